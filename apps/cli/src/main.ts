import 'reflect-metadata';
import { connectDatabase } from '@orgpulse/persistence';
import { ConfigError, DependencyError, describeError, loadEnv } from '@orgpulse/platform';
import { cliEnv } from './cli.env';
import { type CliCommand, CommandError, UsageError, createCliContext } from './cli-context';
import { ensureDemoOrganization } from './demo-organization/ensure-demo-organization.cli';
import {
  createApiToken,
  createIngestKey,
  createOrganization,
  revokeApiToken,
  revokeIngestKey,
} from './manage-credentials/manage-credentials.cli';
import { migrate } from './migrate/migrate.cli';
import { rebuildProjectionsCommand } from './rebuild-projections/rebuild-projections.cli';

const commands: Record<string, CliCommand> = {
  'org create': createOrganization,
  'key create': createIngestKey,
  'key revoke': revokeIngestKey,
  'token create': createApiToken,
  'token revoke': revokeApiToken,
  'demo ensure': ensureDemoOrganization,
  migrate,
  'projections rebuild': rebuildProjectionsCommand,
};

const USAGE = `usage: npm run cli -- <command>
  org create --name NAME                  a new organization; prints {"orgId","ingestKey","apiToken"} (admin token)
  key create --org ORG_ID                 a new ingest key for the organization
  key revoke KEY                          revokes an ingest key at once
  token create --org ORG_ID --role viewer|admin [--group GROUP_ID]
                                          --group: a viewer that sees only that group's subtree
  token revoke TOKEN
  demo ensure --credentials-file FILE [--name NAME]
  migrate                                 brings the database schema up to date
  projections rebuild                     recomputes every read model from the event store, then swaps it in
environment: DATABASE_URL (required), LOG_LEVEL, STARTUP_TIMEOUT_MS`;

function resolve(argv: string[]): { command: CliCommand; args: string[] } {
  for (const words of [2, 1]) {
    const command = commands[argv.slice(0, words).join(' ')] as CliCommand | undefined;
    if (command) return { command, args: argv.slice(words) };
  }
  throw new UsageError(
    argv.length === 0 ? 'no command given' : `unknown command: ${argv.slice(0, 2).join(' ')}`,
  );
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stderr.write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const { command, args } = resolve(argv);
  const config = loadEnv(cliEnv);
  const db = await connectDatabase({
    url: config.DATABASE_URL,
    startupTimeoutMs: config.STARTUP_TIMEOUT_MS,
    poolSize: 2,
    applicationName: 'orgpulse-cli',
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    migrate: command !== migrate,
  });
  try {
    await command(createCliContext(db), args);
    return 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`cli: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const known =
      error instanceof ConfigError || error instanceof DependencyError || error instanceof CommandError;
    process.stderr.write(`cli: ${known ? error.message : describeError(error)}\n`);
    process.exit(1);
  },
);
