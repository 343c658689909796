import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EnvVar } from '../config/env-schema';

export const SECRETS_KEY_VARIABLE = 'ORGPULSE_SECRETS_KEY';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** The key secrets are encrypted with at rest: 32 random bytes in base64 (`openssl rand -base64 32`). */
export const secretsKeyVariable: EnvVar<Buffer> = {
  expected: `${KEY_BYTES} random bytes in base64, such as the output of \`openssl rand -base64 ${KEY_BYTES}\``,
  parse: (raw) => {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) return undefined;
    const key = Buffer.from(raw, 'base64');
    return key.length === KEY_BYTES ? key : undefined;
  },
};

/**
 * Authenticated encryption (AES-256-GCM) of secrets that must be read back, such as the secrets
 * vendors sign webhooks with. The context (the row's id) is bound as associated data, so a
 * ciphertext copied onto another row does not decrypt.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`${SECRETS_KEY_VARIABLE} must be ${KEY_BYTES} bytes`);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
      .join('.');
  }

  /** Throws when the ciphertext was altered, belongs to another context, or another key sealed it. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}
