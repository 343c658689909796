import { unstorableStringProblem } from '@orgpulse/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids the database keys as uuid: anything else is known to name nothing, and is never sent to it. */
export const isUuid = (id: string): boolean => UUID.test(id);

/**
 * What is wrong with a text an admin sends for storage, or undefined: PostgreSQL's text refuses
 * U+0000, and an unpaired surrogate is not Unicode text.
 */
export function storableTextProblem(name: string, value: string): string | undefined {
  const problem = unstorableStringProblem(value);
  if (problem === undefined) return undefined;
  return value.includes('\u0000')
    ? `${name} must not contain U+0000 (NUL)`
    : `${name} must not contain an unpaired UTF-16 surrogate`;
}
