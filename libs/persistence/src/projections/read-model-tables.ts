import { type AnyReadModel, READ_MODELS } from '@orgpulse/domain';
import { Type } from '@sinclair/typebox';
import { col } from '../database/typed-sql';

/** The tables a declaration implies (a rebuild fills copies with a suffix beside them). */
export interface ReadModelTables {
  head: string;
  weeks?: string;
  links?: string;
  totals?: string;
}

export function tablesOf(model: AnyReadModel, suffix = ''): ReadModelTables {
  return {
    head: `${model.name}_head${suffix}`,
    ...(model.history ? { weeks: `${model.name}_weeks${suffix}` } : {}),
    ...(model.links ? { links: `${model.name}_links${suffix}` } : {}),
    ...(model.totals ? { totals: `${model.name}_day_totals${suffix}` } : {}),
  };
}

export const tableNames = (tables: ReadModelTables): string[] =>
  [tables.head, tables.weeks, tables.links, tables.totals].filter((t): t is string => t !== undefined);

/** Every table of every registered read model. */
export const READ_MODEL_TABLES: readonly string[] = READ_MODELS.flatMap((m) => tableNames(tablesOf(m)));

/** A week's facts as stored (jsonb): [occurrence ms, store position, the model's data]. */
export type StoredFact = [number, number, unknown];
export const STORED_FACTS = col.array(Type.Tuple([col.float(), col.float(), col.json()]));
