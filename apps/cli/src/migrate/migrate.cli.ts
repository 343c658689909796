import { runMigrations } from '@orgpulse/persistence';
import { parseOptions } from '../cli-args';
import type { CliCommand } from '../cli-context';

export const migrate: CliCommand = async (context, args) => {
  parseOptions('migrate', args, []);
  context.print({ applied: await runMigrations(context.db) });
};
