import { type ApiRole, CredentialsRepository, apiRoles } from '@orgpulse/persistence';
import { orgIdOption, parseOptions, required } from '../cli-args';
import { type CliCommand, type CliContext, CommandError, UsageError } from '../cli-context';

async function assertOrgExists(context: CliContext, command: string, orgId: string): Promise<void> {
  if (!(await context.credentials.organizationExists(orgId)))
    throw new CommandError(`${command}: no organization ${orgId}`);
}

export const createOrganization: CliCommand = async (context, args) => {
  const { options } = parseOptions('org create', args, ['name']);
  const name = required('org create', options, 'name');
  if (name.length > 200) throw new UsageError('org create: --name must be at most 200 characters');
  const created = await context.db.transaction(async (tx) => {
    const credentials = new CredentialsRepository(tx);
    const org = await credentials.createOrganization(name);
    return {
      orgId: org.id,
      ingestKey: await credentials.createIngestKey(org.id),
      apiToken: await credentials.createApiToken(org.id, 'admin'),
    };
  });
  context.print(created);
};

export const createIngestKey: CliCommand = async (context, args) => {
  const { options } = parseOptions('key create', args, ['org']);
  const orgId = orgIdOption('key create', options);
  await assertOrgExists(context, 'key create', orgId);
  context.print({ orgId, ingestKey: await context.credentials.createIngestKey(orgId) });
};

export const revokeIngestKey: CliCommand = async (context, args) => {
  const { positionals } = parseOptions('key revoke', args, [], 1);
  if (!(await context.credentials.revokeIngestKey(positionals[0]))) {
    throw new CommandError('key revoke: no live ingest key matches (unknown or already revoked)');
  }
  context.print({ revoked: true });
};

export const createApiToken: CliCommand = async (context, args) => {
  const { options } = parseOptions('token create', args, ['org', 'role', 'group']);
  const orgId = orgIdOption('token create', options);
  const role = required('token create', options, 'role');
  if (!apiRoles.includes(role as ApiRole)) {
    throw new UsageError(
      `token create: --role must be one of ${apiRoles.join(', ')}, got ${JSON.stringify(role)}`,
    );
  }
  const groupId = options.group === undefined ? null : required('token create', options, 'group');
  if (groupId !== null && role !== 'viewer')
    throw new UsageError('token create: --group scopes a viewer; an admin token always sees the whole org');
  if (groupId !== null && groupId.length > 128)
    throw new UsageError('token create: --group must be a group id of at most 128 characters');
  await assertOrgExists(context, 'token create', orgId);
  const apiToken = await context.credentials.createApiToken(orgId, role as ApiRole, groupId);
  context.print({ orgId, role, ...(groupId === null ? {} : { groupId }), apiToken });
};

export const revokeApiToken: CliCommand = async (context, args) => {
  const { positionals } = parseOptions('token revoke', args, [], 1);
  if (!(await context.credentials.revokeApiToken(positionals[0]))) {
    throw new CommandError('token revoke: no live API token matches (unknown or already revoked)');
  }
  context.print({ revoked: true });
};
