import {
  type GraphQLSchema,
  buildSchema,
  findBreakingChanges,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';

/**
 * The version of the GraphQL contract. Additions keep it; a breaking change (a field or type
 * removed, a type changed, an argument required) needs a new version, whose schema is a new file.
 */
export const GRAPHQL_CONTRACT_VERSION = 1;

export const schemaFileOf = (version: number): string => `docs/graphql/schema.v${version}.graphql`;

/** The schema as SDL, sorted as the API serves it, so the checked-in file diffs cleanly. */
export const printContractSchema = (schema: GraphQLSchema): string =>
  `${printSchema(lexicographicSortSchema(schema))}\n`;

export interface SchemaJudgement {
  /** What the current schema breaks of the checked-in one, as graphql-js describes it. */
  breaking: string[];
  /** The checked-in file is not the current schema (additions included): regenerate it. */
  stale: boolean;
}

/** Compares the current schema with the checked-in SDL of the same contract version (absent: a new version). */
export function judgeSchema(checkedIn: string | undefined, current: string): SchemaJudgement {
  if (checkedIn === undefined) return { breaking: [], stale: true };
  const breaking = findBreakingChanges(buildSchema(checkedIn), buildSchema(current)).map(
    (change) => `${change.type}: ${change.description}`,
  );
  return { breaking, stale: checkedIn !== current };
}
