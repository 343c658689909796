import { CredentialsRepository } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

/** Wrong arguments: exit 2 with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Valid arguments, but the command cannot be done (no such org, key already revoked): exit 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export interface CliContext {
  db: DataSource;
  credentials: CredentialsRepository;
  /** Everything a command prints for machines goes through here: exactly one JSON document on stdout. */
  print(result: object): void;
  progress(message: string): void;
}

export const createCliContext = (db: DataSource): CliContext => ({
  db,
  credentials: new CredentialsRepository(db),
  print: (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  progress: (message) => process.stderr.write(`${message}\n`),
});

export type CliCommand = (context: CliContext, args: string[]) => Promise<void>;
