import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { badInput } from '../graphql-errors';
import { Cost } from '../query-limits/cost.decorator';

/**
 * Connections (contract §12): `{ edges { cursor node }, pageInfo { hasNextPage endCursor }, totalCount }`
 * over any list with a stable order. A cursor is opaque to clients: the list's name and the key of an
 * entry (an id, or a position where the order is by value), base64url-encoded.
 */
@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoModel;
  /** Computed only when asked for (a getter). */
  readonly totalCount: Promise<number> | number;
}

/** The GraphQL types of a connection of `node`s: `<name>Connection` and `<name>Edge`. */
export function connectionOf<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeModel {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionModel {
    // the connection field's page already multiplies the cost of what is under it
    @Field(() => [EdgeModel])
    @Cost({ listSize: 1 })
    edges!: Edge<T>[];

    @Field(() => PageInfoModel) pageInfo!: PageInfoModel;

    @Field(() => Int, { description: 'Entries of the whole list, every page together' })
    totalCount!: Promise<number> | number;
  }
  return ConnectionModel;
}

export const cursorOf = (list: string, key: string): string =>
  Buffer.from(JSON.stringify([list, key])).toString('base64url');

/** The key a cursor of `list` stands for; a cursor of another list, or no cursor at all, is BAD_USER_INPUT. */
export function keyAfter(list: string, after: string | null | undefined): string | undefined {
  if (after === undefined || after === null) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded[0] === list && typeof decoded[1] === 'string') return decoded[1];
  } catch {
    // refused below
  }
  throw badInput(`after: not a cursor of ${list} (pass the endCursor of its previous page)`);
}

/**
 * A page of a connection from up to `first + 1` entries fetched after the cursor (the extra one
 * only says whether there is a next page).
 */
export function connection<T>(
  list: string,
  fetched: readonly T[],
  first: number,
  keyOf: (entry: T) => string,
  totalCount: () => Promise<number> | number,
): Connection<T> {
  const edges = fetched.slice(0, first).map((node) => ({ cursor: cursorOf(list, keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: fetched.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      return totalCount();
    },
  };
}

/** Up to `first + 1` entries of a list in key order (the store's), after a key. */
export function pageAfter<T>(
  sorted: readonly T[],
  keyOf: (entry: T) => string,
  after: string | undefined,
  first: number,
): T[] {
  const page: T[] = [];
  for (const entry of sorted) {
    if (page.length > first) break;
    if (after === undefined || keyOf(entry) > after) page.push(entry);
  }
  return page;
}
