import { WEEK_MS, isoWeekStart } from '@orgpulse/domain';
import type { OrgSizes } from '@orgpulse/persistence';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isListType,
  isObjectType,
  isInterfaceType,
  isLeafType,
} from 'graphql';
import { type Paging, type QueryLimits, queryLimitError } from './query-limits';

/** Which of the org's actual sizes bounds a list (contract §12: costs come from them, not from assumptions). */
export type SizeKind =
  /** the org's teams */
  | 'teams'
  /** the teams of the `groupId` argument when given, else the org's teams */
  | 'teamsOfGroupArgument'
  | 'groups'
  | 'managers'
  | 'alerts'
  /** pairs of teams (blocking edges) */
  | 'teamPairs';

/**
 * How a field multiplies the cost of what is selected under it, declared on the field (extensions.cost).
 * A list field without a declaration multiplies by its `first` argument, else by DEFAULT_LIST_SIZE.
 */
export interface CostDeclaration {
  /** A paged list: multiplies by `first` or the default page; a `first` over the maximum is refused. */
  page?: Paging;
  /** The list holds at most this many of the org's things: its entries are at most that size. */
  size?: SizeKind;
  /** One entry per ISO week that this Window argument overlaps. */
  perWeekOf?: string;
  /** A list without paging: how many entries it is assumed to hold. */
  listSize?: number;
  /** Computed over every team of the org: each entry also costs the org's number of teams. */
  overTeams?: boolean;
}

export const DEFAULT_LIST_SIZE = 20;
/** Where the org's sizes are not known (a subscription), the largest org contract §12 allows. */
export const LARGEST_ORG: OrgSizes = {
  teams: 20_000,
  groups: 5_000,
  people: 200_000,
  managers: 200_000,
  alerts: 1_000_000,
  openAlerts: 1_000_000,
  teamsByGroup: {},
};
const MAX_WEEKS = Math.ceil((10 * 366 * 86_400_000) / WEEK_MS) + 1;

export interface OperationCost {
  cost: number;
  errors: GraphQLError[];
}

const timeOf = (value: unknown): number =>
  value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;

/** ISO weeks a window overlaps (as weeklyTrend returns them), at most those of the longest window allowed. */
function weeksSpanned(window: unknown): number {
  const { from, to } = (window ?? {}) as { from?: unknown; to?: unknown };
  const [start, end] = [timeOf(from), timeOf(to)];
  if (Number.isNaN(start) || Number.isNaN(end)) return MAX_WEEKS;
  if (end <= start) return 0;
  return Math.min(MAX_WEEKS, Math.ceil((end - isoWeekStart(start)) / WEEK_MS));
}

function sizeOf(kind: SizeKind, args: Record<string, unknown>, sizes: OrgSizes): number {
  switch (kind) {
    case 'teams':
      return sizes.teams;
    case 'teamsOfGroupArgument':
      return typeof args.groupId === 'string' ? (sizes.teamsByGroup[args.groupId] ?? 0) : sizes.teams;
    case 'groups':
      return sizes.groups;
    case 'managers':
      return sizes.managers;
    case 'alerts':
      return args.status === 'OPEN' ? sizes.openAlerts : sizes.alerts;
    case 'teamPairs':
      return sizes.teams * Math.max(0, sizes.teams - 1);
  }
}

interface Walk {
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}

/** The operation and its coerced variables, or undefined when nothing will execute. */
function walkable(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): Walk | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined; // the executor answers for it
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, {
    maxErrors: 1,
  });
  if (coerced.errors) return undefined; // nothing executes with invalid variables
  return { operation, variables: coerced.coerced };
}

/**
 * Visits every field of the operation once per place it appears (each fragment once, however often
 * it is spread) and sums what `fieldCost` makes of it and its selection's total.
 */
function walk(
  schema: GraphQLSchema,
  document: DocumentNode,
  { operation, variables }: Walk,
  fieldCost: (
    node: FieldNode,
    field: GraphQLField<unknown, unknown>,
    args: Record<string, unknown>,
    children: number,
  ) => number,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const costed = new Map<string, number>();
  const costing = new Set<string>();
  const fragmentCost = (name: string): number => {
    const known = costed.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !type || costing.has(name)) return 0;
    costing.add(name);
    const cost = selectionCost(fragment.selectionSet, type);
    costing.delete(name);
    costed.set(name, cost);
    return cost;
  };
  const selectionCost = (set: SelectionSetNode, type: GraphQLNamedType): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(schema, type, selection.name.value);
        if (!field) {
          total += 1; // __typename, or an unknown field that validation refuses
          continue;
        }
        const children = selection.selectionSet
          ? selectionCost(selection.selectionSet, getNamedType(field.type))
          : 0;
        total += fieldCost(selection, field, argumentsOf(field, selection, variables), children);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) total += fragmentCost(selection.name.value);
      else {
        const condition = selection.typeCondition && schema.getType(selection.typeCondition.name.value);
        total += selectionCost(selection.selectionSet, condition ?? type);
      }
    }
    return total;
  };
  const root = schema.getRootType(operation.operation);
  return root ? selectionCost(operation.selectionSet, root) : 0;
}

const declarationOf = (field: GraphQLField<unknown, unknown>): CostDeclaration =>
  (field.extensions as { cost?: CostDeclaration }).cost ?? {};

/**
 * Whether the cost depends on the org's sizes, and the groups whose own sizes it needs (the
 * `groupId` arguments of lists sized by them); undefined when no field depends on them.
 */
export function sizesNeeded(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): { groupIds: string[] } | undefined {
  const operation = walkable(schema, document, operationName, rawVariables);
  if (!operation) return undefined;
  let needed = false;
  const ids = new Set<string>();
  walk(schema, document, operation, (_node, field, args) => {
    const declared = declarationOf(field);
    needed ||= declared.size !== undefined || declared.overTeams === true;
    if (declared.size === 'teamsOfGroupArgument' && typeof args.groupId === 'string') ids.add(args.groupId);
    return 0;
  });
  return needed ? { groupIds: [...ids].sort() } : undefined;
}

/**
 * The estimated number of fields an operation resolves: each field costs 1 plus, for each entry it
 * returns (page size bounded by the org's actual size, weeks of a window, ...), the cost of its
 * selection. Fragments are costed once each. Also refuses a `first` outside a paged list's bounds.
 * Runs with the request's variables and the org's sizes (unknown: the largest org allowed).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  limits: Pick<QueryLimits, 'maxCost'>,
  sizes: OrgSizes = LARGEST_ORG,
): OperationCost {
  const operation = walkable(schema, document, operationName, rawVariables);
  if (!operation) return { cost: 0, errors: [] };
  const errors: GraphQLError[] = [];
  const cost = walk(schema, document, operation, (node, field, args, children) => {
    const declared = declarationOf(field);
    let entries = 1;
    if (declared.page) entries = pageEntries(node, args.first, declared.page, errors);
    else if (declared.perWeekOf) entries = weeksSpanned(args[declared.perWeekOf]);
    else if (declared.listSize !== undefined) entries = declared.listSize;
    else if (declared.size === undefined && isListType(getNullableType(field.type)))
      entries = isLeafType(getNamedType(field.type))
        ? 1
        : typeof args.first === 'number'
          ? Math.max(0, args.first)
          : DEFAULT_LIST_SIZE;
    else if (declared.size !== undefined) entries = Number.POSITIVE_INFINITY;
    if (declared.size !== undefined) entries = Math.min(entries, sizeOf(declared.size, args, sizes));
    return 1 + entries * (children + (declared.overTeams ? sizes.teams : 0));
  });
  if (cost > limits.maxCost) {
    errors.push(
      queryLimitError(
        'cost',
        limits.maxCost,
        cost,
        `the query costs ${cost}; at most ${limits.maxCost} is allowed ` +
          "(each field counts once per entry of the lists above it: pages and the org's actual sizes, weeks of a window, teams)",
      ),
    );
  }
  return { cost, errors };
}

function pageEntries(node: FieldNode, first: unknown, page: Paging, errors: GraphQLError[]): number {
  if (typeof first !== 'number') return page.defaultSize;
  if ((first > page.maxSize || first < 0) && !errors.some((e) => e.extensions.field === node.name.value)) {
    errors.push(
      queryLimitError(
        'first',
        page.maxSize,
        first,
        `${node.name.value}(first: ${first}): first must be between 0 and ${page.maxSize}; page on with after`,
        { field: node.name.value },
      ),
    );
  }
  return Math.max(0, Math.min(first, page.maxSize));
}

function fieldOf(
  schema: GraphQLSchema,
  parent: GraphQLNamedType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function argumentsOf(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {}; // invalid arguments: validation or the executor refuses them
  }
}
