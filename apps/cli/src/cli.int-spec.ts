import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CredentialsRepository, connectDatabase } from '@orgpulse/persistence';
import { repoRoot, runCli, testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';

const exec = promisify(execFile);

describe('the CLI (real PostgreSQL)', () => {
  let db: DataSource;
  let credentials: CredentialsRepository;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
    credentials = new CredentialsRepository(db);
  });
  afterAll(() => db.destroy());

  it('`npm run cli -- org create` prints exactly one JSON object, with working admin credentials', async () => {
    const { stdout } = await exec('npm', ['run', 'cli', '--', 'org', 'create', '--name', 'Acme'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: testEnvironment().databaseUrl },
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const created = JSON.parse(lines[0]) as { orgId: string; ingestKey: string; apiToken: string };
    expect(Object.keys(created).sort()).toEqual(['apiToken', 'ingestKey', 'orgId']);
    expect(await credentials.findOrgIdByIngestKey(created.ingestKey)).toBe(created.orgId);
    expect(await credentials.findApiPrincipal(created.apiToken)).toEqual({
      orgId: created.orgId,
      role: 'admin',
      groupId: null,
    });

    const stored: { key_hash: string }[] = await db.query(
      'SELECT key_hash FROM ingest_keys WHERE org_id = $1',
      [created.orgId],
    );
    expect(stored.map((k) => k.key_hash)).not.toContain(created.ingestKey); // only the hash is kept
  });

  it('creates and revokes ingest keys and tokens; a revoked key is refused at once', async () => {
    const org = JSON.parse((await runCli(['org', 'create', '--name', 'Beta'])).stdout) as { orgId: string };
    const key = JSON.parse((await runCli(['key', 'create', '--org', org.orgId])).stdout) as {
      ingestKey: string;
    };
    expect(await credentials.findOrgIdByIngestKey(key.ingestKey)).toBe(org.orgId);
    expect((await runCli(['key', 'revoke', key.ingestKey])).code).toBe(0);
    expect(await credentials.findOrgIdByIngestKey(key.ingestKey)).toBeUndefined();
    expect((await runCli(['key', 'revoke', key.ingestKey])).code).toBe(1);

    const token = JSON.parse(
      (await runCli(['token', 'create', '--org', org.orgId, '--role', 'viewer'])).stdout,
    ) as { apiToken: string };
    expect(await credentials.findApiPrincipal(token.apiToken)).toEqual({
      orgId: org.orgId,
      role: 'viewer',
      groupId: null,
    });

    const scoped = JSON.parse(
      (await runCli(['token', 'create', '--org', org.orgId, '--role', 'viewer', '--group', 'platform']))
        .stdout,
    ) as { apiToken: string; groupId: string };
    expect(scoped.groupId).toBe('platform');
    expect(await credentials.findApiPrincipal(scoped.apiToken)).toEqual({
      orgId: org.orgId,
      role: 'viewer',
      groupId: 'platform',
    });
  });

  it.each([
    [['org', 'create'], /--name is required/],
    [['key', 'create', '--org', 'nope'], /--org must be an organization id/],
    [
      ['token', 'create', '--org', '00000000-0000-4000-8000-000000000000', '--role', 'root'],
      /--role must be one of viewer, admin/,
    ],
    [
      ['token', 'create', '--org', '00000000-0000-4000-8000-000000000000', '--role', 'admin', '--group', 'g'],
      /--group scopes a viewer; an admin token always sees the whole org/,
    ],
    [
      [
        'token',
        'create',
        '--org',
        '00000000-0000-4000-8000-000000000000',
        '--role',
        'viewer',
        '--group',
        ' ',
      ],
      /--group is required/,
    ],
    [['org', 'delete'], /unknown command/],
    [['org', 'create', '--name', 'A', '--colour', 'red'], /Unknown option '--colour'/],
  ])('refuses %j with a usage error', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('fails (exit 1) for an organization that does not exist', async () => {
    const result = await runCli(['key', 'create', '--org', '00000000-0000-4000-8000-000000000000']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'cli: key create: no organization 00000000-0000-4000-8000-000000000000',
    );
  });

  it('names DATABASE_URL when it does not answer', async () => {
    const result = await runCli(['org', 'create', '--name', 'X'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x',
      STARTUP_TIMEOUT_MS: '500',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^cli: DATABASE_URL: cannot connect/);
  });
});
