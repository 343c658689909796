import { WEEK_MS, isoWeekStart } from '@orgpulse/domain';
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

/**
 * How a field multiplies the cost of what is selected under it, declared on the field (extensions.cost).
 * A list field without a declaration multiplies by its `first` argument, else by DEFAULT_LIST_SIZE.
 */
export interface CostDeclaration {
  /** A paged list: multiplies by `first` or the default page; a `first` over the maximum is refused. */
  page?: Paging;
  /** One entry per ISO week that this Window argument overlaps. */
  perWeekOf?: string;
  /** A list without paging: how many entries it is assumed to hold. */
  listSize?: number;
  /** Computed over every team of the org: each entry also costs ASSUMED_TEAMS. */
  overTeams?: boolean;
}

export const DEFAULT_LIST_SIZE = 20;
/** An aggregate over the org's teams is costed as if the org had a full default page of teams. */
export const ASSUMED_TEAMS = 500;
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

/**
 * The estimated number of fields an operation resolves: each field costs 1 plus, for each entry it
 * returns (page size, weeks of a window, ...), the cost of its selection. Fragments are costed once
 * each. Also refuses a `first` outside a paged list's bounds. Runs with the request's variables.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  limits: Pick<QueryLimits, 'maxCost'>,
): OperationCost {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { cost: 0, errors: [] }; // the executor answers for it
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, {
    maxErrors: 1,
  });
  if (coerced.errors) return { cost: 0, errors: [] }; // nothing executes with invalid variables
  const variables = coerced.coerced;
  const errors: GraphQLError[] = [];
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
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, type);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) total += fragmentCost(selection.name.value);
      else {
        const condition = selection.typeCondition && schema.getType(selection.typeCondition.name.value);
        total += selectionCost(selection.selectionSet, condition ?? type);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType): number => {
    const field = fieldOf(schema, parent, node.name.value);
    if (!field) return 1; // __typename, or an unknown field that validation refuses
    const children = node.selectionSet ? selectionCost(node.selectionSet, getNamedType(field.type)) : 0;
    const declared = (field.extensions as { cost?: CostDeclaration }).cost ?? {};
    const args = argumentsOf(field, node, variables);
    let entries = 1;
    if (declared.page) entries = pageEntries(node, args.first, declared.page, errors);
    else if (declared.perWeekOf) entries = weeksSpanned(args[declared.perWeekOf]);
    else if (declared.listSize !== undefined) entries = declared.listSize;
    else if (isListType(getNullableType(field.type)) && !isLeafType(getNamedType(field.type)))
      entries = typeof args.first === 'number' ? Math.max(0, args.first) : DEFAULT_LIST_SIZE;
    return 1 + entries * (children + (declared.overTeams ? ASSUMED_TEAMS : 0));
  };

  const root = rootType(schema, operation);
  const cost = root ? selectionCost(operation.selectionSet, root) : 0;
  if (cost > limits.maxCost) {
    errors.push(
      queryLimitError(
        'cost',
        limits.maxCost,
        cost,
        `the query costs ${cost}; at most ${limits.maxCost} is allowed ` +
          '(each field counts once per entry of the lists above it: pages, weeks of a window, teams)',
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

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode) {
  return schema.getRootType(operation.operation) ?? undefined;
}
