import { parseArgs } from 'node:util';
import { isUuid } from '@orgpulse/contracts';
import { UsageError } from './cli-context';

/** Parses a command's options strictly; unknown or missing options are usage errors. */
export function parseOptions<const N extends string>(
  command: string,
  args: string[],
  names: readonly N[],
  positionals = 0,
): { options: Partial<Record<N, string>>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      allowPositionals: positionals > 0,
      strict: true,
    });
    if (parsed.positionals.length !== positionals) {
      throw new UsageError(
        `${command}: expected ${positionals} argument(s), got ${parsed.positionals.length}`,
      );
    }
    return { options: parsed.values as Partial<Record<N, string>>, positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

export function required<T extends string>(
  command: string,
  options: Partial<Record<T, string>>,
  name: T,
): string {
  const value = options[name]?.trim();
  if (!value) throw new UsageError(`${command}: --${name} is required`);
  return value;
}

export function orgIdOption(command: string, options: Partial<Record<'org', string>>): string {
  const orgId = required(command, options, 'org');
  if (!isUuid(orgId))
    throw new UsageError(
      `${command}: --org must be an organization id (a UUID), got ${JSON.stringify(orgId)}`,
    );
  return orgId;
}
