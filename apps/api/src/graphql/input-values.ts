import { unstorableStringProblem } from '@orgpulse/contracts';

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
