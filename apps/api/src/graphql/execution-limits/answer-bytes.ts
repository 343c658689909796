import {
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type SelectionNode,
  getDirectiveValues,
} from 'graphql';

/** About the JSON bytes of a leaf value (string escapes aside). */
export function leafBytes(value: unknown): number {
  if (value === null || value === undefined) return 4;
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return 12;
    case 'boolean':
      return 5;
    case 'object':
      if (value instanceof Date) return 26;
      if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + leafBytes(item) + 1, 2);
      return JSON.stringify(value)?.length ?? 4;
    default:
      return 12;
  }
}

/** What one resolved field adds to the answer: its key, and its value when it is a leaf. */
export function fieldBytes(info: GraphQLResolveInfo, leaf: boolean, value: unknown): number {
  const key = info.fieldNodes[0]?.alias?.value ?? info.fieldName;
  if (leaf) return key.length + 4 + leafBytes(value);
  return key.length + 6 + (Array.isArray(value) ? value.length : 0);
}

/** How a plain leaf's value is read from its object (what its resolver does). */
export type LeafRead = (source: Record<string, unknown>) => unknown;

/** A plain leaf asked of an object: its answer's key, and how its value is read. */
interface PlainLeaf {
  key: string;
  read: LeafRead;
}

const included = (node: SelectionNode, variables: GraphQLResolveInfo['variableValues']): boolean =>
  getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
  getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

/**
 * The plain leaves a field's selection asks of each object it resolves to (fragments and @skip/@include
 * applied), for leaf fields left to graphql-js's default resolver: their bytes are counted with the
 * object that holds them, not field by field.
 */
export class PlainLeaves {
  /** graphql-js makes a field's nodes once per execution (and list): its variables are those of the plan. */
  private readonly plans = new WeakMap<readonly FieldNode[], readonly PlainLeaf[]>();

  constructor(private readonly plain: WeakMap<GraphQLField<unknown, unknown>, LeafRead>) {}

  /**
   * What counts the bytes of the plain leaves `info` asks of a value (an object of `type`, or a list of
   * them); undefined when it asks none.
   */
  counter(info: GraphQLResolveInfo, type: GraphQLObjectType): ((value: unknown) => number) | undefined {
    const plan = this.planOf(info, type);
    return plan.length === 0 ? undefined : (value) => bytesOfLeaves(plan, value);
  }

  private planOf(info: GraphQLResolveInfo, type: GraphQLObjectType): readonly PlainLeaf[] {
    let plan = this.plans.get(info.fieldNodes);
    if (plan === undefined) {
      const found = new Map<string, LeafRead>();
      for (const node of info.fieldNodes)
        if (node.selectionSet) this.collect(node.selectionSet.selections, info, type, found);
      plan = [...found].map(([key, read]) => ({ key, read }));
      this.plans.set(info.fieldNodes, plan);
    }
    return plan;
  }

  private collect(
    selections: readonly SelectionNode[],
    info: GraphQLResolveInfo,
    type: GraphQLObjectType,
    found: Map<string, LeafRead>,
  ): void {
    for (const selection of selections) {
      if (!included(selection, info.variableValues)) continue;
      if (selection.kind === Kind.FIELD) {
        const field = type.getFields()[selection.name.value];
        const read = field && this.plain.get(field);
        if (read) found.set(selection.alias?.value ?? selection.name.value, read);
      } else {
        // a plain leaf's type implements no interface and is in no union: only its own name applies
        const fragment =
          selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
        if (fragment === undefined) continue;
        if (fragment.typeCondition !== undefined && fragment.typeCondition.name.value !== type.name) continue;
        this.collect(fragment.selectionSet.selections, info, type, found);
      }
    }
  }
}

/** Never throws (a getter that does, a JSON value with a cycle): a failure counts as a number would. */
function bytesOfLeaves(plan: readonly PlainLeaf[], value: unknown): number {
  try {
    return leavesOf(plan, value);
  } catch {
    return 12 * plan.length;
  }
}

function leavesOf(plan: readonly PlainLeaf[], value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) {
    let sum = 0;
    for (const entry of value) sum += leavesOf(plan, entry);
    return sum;
  }
  if (typeof (value as { then?: unknown }).then === 'function') return 0; // counted once settled
  let sum = 0;
  for (const { key, read } of plan) {
    const leaf = read(value as Record<string, unknown>);
    sum += key.length + 4 + (typeof leaf === 'function' ? 12 : leafBytes(leaf));
  }
  return sum;
}
