import { createHash, randomBytes } from 'node:crypto';

export const INGEST_KEY_PREFIX = 'opk_';
export const API_TOKEN_PREFIX = 'opt_';

/** 256 random bits: high entropy, so a plain SHA-256 is a safe and fast lookup hash. */
export const generateSecret = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** What is stored beside the hash so people can tell keys apart without the secret. */
export const displayPrefix = (secret: string): string => secret.slice(0, 10);
