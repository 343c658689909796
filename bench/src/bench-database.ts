import { Client } from 'pg';

/** A connection of the bench's own: its backends are told apart by this name in the CPU accounting. */
export const benchClient = (connectionString: string): Client =>
  new Client({ connectionString, application_name: 'orgpulse-bench' });

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = benchClient(serverUrl);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for one run, on the server of `serverUrl` (which names the bench's own database). */
export async function createRunDatabase(serverUrl: string, name: string): Promise<string> {
  await onServer(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropRunDatabase(serverUrl: string, runUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(runUrl).pathname.slice(1));
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
