import { randomUUID } from 'node:crypto';
import { NOTIFY_CHANNELS } from '../database/notify-channels';
import { type Queryable, col, rowShape, selectOne, selectRow, selectRows } from '../database/typed-sql';
import { API_TOKEN_PREFIX, INGEST_KEY_PREFIX, displayPrefix, generateSecret, hashSecret } from './secrets';

export type ApiRole = 'viewer' | 'admin';
export const apiRoles: readonly ApiRole[] = ['viewer', 'admin'];

export interface Organization {
  id: string;
  name: string;
}

export interface ApiPrincipal {
  orgId: string;
  role: ApiRole;
  /** A viewer scoped to this group's subtree (contract §8); null sees the whole org. */
  groupId: string | null;
}

const ORGANIZATION_ROW = rowShape('organization', { id: col.text(), name: col.text() });
/** `SELECT 1`: only whether there is a row counts. */
const PRESENT_ROW = rowShape('organization present', {});
const INGEST_KEY_ORG_ROW = rowShape('ingest key org', { org_id: col.text() });
const API_PRINCIPAL_ROW = rowShape('api principal', {
  org_id: col.text(),
  role: col.text(),
  group_id: col.nullable(col.text()),
});
const LIVE_TOKEN_HASH_ROW = rowShape('live api token hash', { token_hash: col.text() });
const REVOKED_COUNT_ROW = rowShape('revoked count', { n: col.int() });

/** Organizations, ingest keys and API tokens. Secrets are returned once and stored only as hashes. */
export class CredentialsRepository {
  /** Works on the pool or inside a transaction (a DataSource's or a transaction's manager). */
  constructor(private readonly db: Queryable) {}

  async createOrganization(name: string): Promise<Organization> {
    const id = randomUUID();
    await this.db.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [id, name]);
    return { id, name };
  }

  async findOrganizationByName(name: string): Promise<Organization | undefined> {
    return selectRow(
      this.db,
      ORGANIZATION_ROW,
      'SELECT id, name FROM organizations WHERE name = $1 ORDER BY created_at LIMIT 1',
      [name],
    );
  }

  async organizationExists(orgId: string): Promise<boolean> {
    const rows = await selectRows(this.db, PRESENT_ROW, 'SELECT 1 FROM organizations WHERE id = $1::uuid', [
      orgId,
    ]);
    return rows.length > 0;
  }

  async createIngestKey(orgId: string): Promise<string> {
    const key = generateSecret(INGEST_KEY_PREFIX);
    await this.db.query(
      'INSERT INTO ingest_keys (id, org_id, key_hash, key_prefix) VALUES ($1, $2, $3, $4)',
      [randomUUID(), orgId, hashSecret(key), displayPrefix(key)],
    );
    return key;
  }

  /** Returns whether a live key was revoked. */
  async revokeIngestKey(key: string): Promise<boolean> {
    return this.revoke('ingest_keys', 'key_hash', key);
  }

  async findOrgIdByIngestKey(key: string): Promise<string | undefined> {
    return this.findOrgIdByIngestKeyHash(hashSecret(key));
  }

  async findOrgIdByIngestKeyHash(keyHash: string): Promise<string | undefined> {
    const row = await selectRow(
      this.db,
      INGEST_KEY_ORG_ROW,
      'SELECT org_id FROM ingest_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    return row?.org_id;
  }

  /** With a groupId, a viewer that sees only that group's subtree (the table refuses scoped admins). */
  async createApiToken(orgId: string, role: ApiRole, groupId: string | null = null): Promise<string> {
    const token = generateSecret(API_TOKEN_PREFIX);
    await this.db.query(
      'INSERT INTO api_tokens (id, org_id, role, token_hash, token_prefix, group_id) VALUES ($1, $2, $3, $4, $5, $6)',
      [randomUUID(), orgId, role, hashSecret(token), displayPrefix(token), groupId],
    );
    return token;
  }

  async revokeApiToken(token: string): Promise<boolean> {
    return this.revoke('api_tokens', 'token_hash', token);
  }

  async findApiPrincipal(token: string): Promise<ApiPrincipal | undefined> {
    return this.findApiPrincipalByHash(hashSecret(token));
  }

  async findApiPrincipalByHash(tokenHash: string): Promise<ApiPrincipal | undefined> {
    const row = await selectRow(
      this.db,
      API_PRINCIPAL_ROW,
      'SELECT org_id, role, group_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    return row && { orgId: row.org_id, role: row.role as ApiRole, groupId: row.group_id };
  }

  /** Of these token hashes, the ones still valid (not revoked): open subscriptions recheck theirs. */
  async liveApiTokenHashes(tokenHashes: readonly string[]): Promise<Set<string>> {
    const rows = await selectRows(
      this.db,
      LIVE_TOKEN_HASH_ROW,
      'SELECT token_hash FROM api_tokens WHERE token_hash = ANY($1::text[]) AND revoked_at IS NULL',
      [tokenHashes],
    );
    return new Set(rows.map((r) => r.token_hash));
  }

  // A CTE makes it a SELECT: TypeORM returns [rows, count] for a bare UPDATE.
  private async revoke(
    table: 'ingest_keys' | 'api_tokens',
    column: string,
    secret: string,
  ): Promise<boolean> {
    // The notification goes out when the revocation commits: CredentialCache drops the entry.
    const { n } = await selectOne(
      this.db,
      REVOKED_COUNT_ROW,
      `WITH r AS (UPDATE ${table} SET revoked_at = now() WHERE ${column} = $1 AND revoked_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n, pg_notify($2, $1) FROM r`,
      [hashSecret(secret), NOTIFY_CHANNELS.credentials],
    );
    return n > 0;
  }
}
