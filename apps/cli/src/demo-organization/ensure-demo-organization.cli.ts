import { readFile, writeFile } from 'node:fs/promises';
import { CredentialsRepository } from '@orgpulse/persistence';
import { parseOptions, required } from '../cli-args';
import type { CliCommand, CliContext } from '../cli-context';

interface DemoCredentials {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

async function readSaved(file: string): Promise<DemoCredentials | undefined> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoCredentials>;
    return saved.orgId && saved.ingestKey && saved.apiToken ? (saved as DemoCredentials) : undefined;
  } catch {
    return undefined;
  }
}

async function stillValid(context: CliContext, saved: DemoCredentials): Promise<boolean> {
  const keyOrg = await context.credentials.findOrgIdByIngestKey(saved.ingestKey);
  const principal = await context.credentials.findApiPrincipal(saved.apiToken);
  return keyOrg === saved.orgId && principal?.orgId === saved.orgId && principal.role === 'admin';
}

/**
 * Idempotent: the same demo organization every run. Secrets are stored only as hashes, so the
 * credentials shown once are kept in a local git-ignored file and reissued when they no longer work.
 */
export const ensureDemoOrganization: CliCommand = async (context, args) => {
  const { options } = parseOptions('demo ensure', args, ['name', 'credentials-file']);
  const name = options.name?.trim() || 'Demo';
  const file = required('demo ensure', options, 'credentials-file');

  const saved = await readSaved(file);
  if (saved && (await stillValid(context, saved))) {
    context.print(saved);
    return;
  }
  const credentials = await context.db.transaction(async (tx) => {
    const repository = new CredentialsRepository(tx);
    const org =
      (await repository.findOrganizationByName(name)) ?? (await repository.createOrganization(name));
    return {
      orgId: org.id,
      ingestKey: await repository.createIngestKey(org.id),
      apiToken: await repository.createApiToken(org.id, 'admin'),
    };
  });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  context.print(credentials);
};
