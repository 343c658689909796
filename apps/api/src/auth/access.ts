import type { ApiRole } from '@orgpulse/persistence';
import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  OperationTypeNode,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/** The field extension where a root field declares who may call it (see Access). */
export const ACCESS_EXTENSION = 'access';

/**
 * What a group-scoped token (contract §8: a viewer of one group's subtree) gets from a root field:
 * - subtree: the answer within its subtree (RequestContext applies it to every read);
 * - nothing: the emptiest answer the field's type allows (null, an empty list, an empty connection, an
 *   object of nulls),
 *   given by the access interceptor without running the resolver;
 * - org: the same answer as the whole org's (nothing in it belongs to a part of the org).
 * A viewer field that declares none refuses group-scoped tokens.
 */
export type GroupScope = 'subtree' | 'nothing' | 'org';

export interface FieldAccess {
  roles: readonly [ApiRole, ...ApiRole[]];
  /** for fields viewers may call; admins are never group-scoped (the token table refuses it) */
  groupScoped?: GroupScope;
}

export const declaredAccess = (field: {
  extensions?: Readonly<Record<string, unknown>> | null;
}): FieldAccess | undefined => {
  const access = field.extensions?.[ACCESS_EXTENSION] as FieldAccess | undefined;
  return access !== undefined && access.roles.length > 0 ? access : undefined;
};

const EMPTY_CONNECTION = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

/** A connection of contract §12: `{ edges, pageInfo, totalCount }` and nothing else. */
function isConnection(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  return (
    Object.keys(fields).sort().join() === 'edges,pageInfo,totalCount' &&
    getNamedType(fields.pageInfo.type).name === 'PageInfo'
  );
}

/** The emptiest value of a type: what a field declared `nothing` answers; undefined when it has none. */
export function emptiestValue(type: GraphQLOutputType): { value: unknown } | undefined {
  if (!isNonNullType(type)) return { value: null };
  if (isListType(type.ofType)) return { value: [] };
  if (!isObjectType(type.ofType)) return undefined;
  if (isConnection(type.ofType)) return { value: EMPTY_CONNECTION };
  const value: Record<string, null> = {};
  for (const field of Object.values(type.ofType.getFields())) {
    if (isNonNullType(field.type)) return undefined;
    value[field.name] = null;
  }
  return { value };
}

export interface RootFieldAccess {
  operation: OperationTypeNode;
  field: string;
  roles: readonly ApiRole[] | undefined;
  groupScoped: GroupScope | undefined;
}

/** Every query, mutation and subscription of the schema with the access it declares. */
export function rootFieldAccess(schema: GraphQLSchema): RootFieldAccess[] {
  return [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION].flatMap(
    (operation) =>
      Object.values(schema.getRootType(operation)?.getFields() ?? {}).map((field) => {
        const access = declaredAccess(field);
        return { operation, field: field.name, roles: access?.roles, groupScoped: access?.groupScoped };
      }),
  );
}

const SCOPE_WORDS: Record<GroupScope, string> = {
  subtree: 'its subtree',
  nothing: 'nothing (the emptiest answer)',
  org: "the org's answer",
};

/** Problems of a root field's declaration: each must say who may call it and what a scoped token gets. */
export function accessProblems(schema: GraphQLSchema): string[] {
  const roots = [OperationTypeNode.QUERY, OperationTypeNode.MUTATION, OperationTypeNode.SUBSCRIPTION];
  return roots.flatMap((operation) =>
    Object.values(schema.getRootType(operation)?.getFields() ?? {}).flatMap(
      (field: GraphQLField<unknown, unknown>) => {
        const access = declaredAccess(field);
        const name = `${operation} ${field.name}`;
        if (access === undefined) return [`${name} declares no role that may call it`];
        if (operation === OperationTypeNode.MUTATION && access.roles.includes('viewer'))
          return [`${name} is a mutation: admins only (contract §1)`];
        if (access.roles.includes('viewer') && access.groupScoped === undefined)
          return [`${name} lets viewers call it but says nothing of group-scoped tokens`];
        if (!access.roles.includes('viewer') && access.groupScoped !== undefined)
          return [`${name} is for admins only, who are never group-scoped: drop groupScoped`];
        if (access.groupScoped === 'nothing' && operation === OperationTypeNode.SUBSCRIPTION)
          return [`${name} is a subscription: nothing for group-scoped tokens would end it, declare subtree`];
        if (access.groupScoped === 'nothing' && emptiestValue(field.type) === undefined)
          return [
            `${name} is declared nothing for group-scoped tokens, but ${String(field.type)} has no empty value`,
          ];
        return [];
      },
    ),
  );
}

/** The checked-in table of every root field's access (docs/graphql), so a change of access shows in review. */
export function printAccess(schema: GraphQLSchema): string {
  const rows = rootFieldAccess(schema).map(
    (f) =>
      `| ${f.operation} | \`${f.field}\` | ${(f.roles ?? []).join(', ')} | ${f.groupScoped === undefined ? '— (admins only)' : SCOPE_WORDS[f.groupScoped]} |`,
  );
  return [
    '# Who may call each root field (generated by `npm run docs`; checked in CI)',
    '',
    "Roles are enforced by the API's access interceptor for HTTP and WebSocket alike. A group-scoped token",
    "(contract §8) is a viewer that sees one group's subtree; the last column is what it gets.",
    '',
    '| Operation | Field | Roles | A group-scoped token gets |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
