import {
  type FieldNode,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  isObjectType,
} from 'graphql';
import { managerCoachingOf } from '../coaching/manager-coaching';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import type { WindowArgument } from '../graphql/window-argument';
import { reportsAt } from '../people/person-of';
import { cadenceAt, personOfManager, subtreeAt } from './manager-figures';

interface FieldArgs {
  asOf?: Date | null;
  window?: WindowArgument | null;
}

/**
 * The fields asked of each entry, as graphql-js will resolve them: those @skip or @include leave out are
 * not (fragments aside: their fields are computed as they resolve).
 */
function fieldsOf(node: FieldNode | undefined, variables: GraphQLResolveInfo['variableValues']): FieldNode[] {
  return (node?.selectionSet?.selections ?? []).filter(
    (s): s is FieldNode =>
      s.kind === Kind.FIELD &&
      getDirectiveValues(GraphQLSkipDirective, s, variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, s, variables)?.if !== false,
  );
}

/**
 * Computes, for every manager of the page together, the values of the fields the query asks of them
 * (with the arguments it gives), so that their reads go out batched and each entry's fields then resolve
 * at once from the request's memo. A failure here is left to the field that asked for it.
 */
export async function prefetchManagerFields(
  ctx: RequestContext,
  ids: readonly string[],
  info: GraphQLResolveInfo,
  now: number,
): Promise<void> {
  // without a request (a query over graphql-ws), `now` moves between the fields' asks: nothing would match
  if (ctx.req === undefined) return;
  ctx.stopIfCut();
  const manager = info.schema.getType('Manager');
  const person = info.schema.getType('Person');
  if (!isObjectType(manager) || !isObjectType(person)) return;
  // the arguments as the field's resolver gets them, and the time they ask for (undefined: not one known here)
  const argsOf = (type: typeof manager, node: FieldNode): (FieldArgs & { at: number }) | undefined => {
    const field = type.getFields()[node.name.value];
    if (field === undefined) return undefined;
    const args = getArgumentValues(field, node, info.variableValues) as FieldArgs;
    const asOf = args.asOf ?? undefined;
    if (asOf !== undefined && !(asOf instanceof Date)) return undefined;
    return { ...args, at: asOf?.getTime() ?? now };
  };
  const work: Eventually<unknown>[] = [];
  const each = (value: (id: string) => Eventually<unknown>) => {
    try {
      for (const id of ids) work.push(value(id));
    } catch {
      // an argument refused (a window backwards): the field says so when it resolves
    }
  };
  for (const node of fieldsOf(info.fieldNodes[0], info.variableValues)) {
    const args = argsOf(manager, node);
    if (args === undefined) continue;
    const { at } = args;
    switch (node.name.value) {
      case 'person':
        each((id) => personOfManager(ctx, id));
        for (const inner of fieldsOf(node, info.variableValues)) {
          const innerArgs = inner.name.value === 'reports' ? argsOf(person, inner) : undefined;
          if (innerArgs !== undefined) each((id) => reportsAt(ctx, id, innerArgs.at));
        }
        break;
      case 'directReports':
      case 'reports':
      case 'oneOnOneCoverage':
      case 'overdueReports':
        each((id) => cadenceAt(ctx, id, at));
        break;
      case 'subtree':
        each((id) => subtreeAt(ctx, id, at));
        break;
      case 'coaching':
        each((id) => managerCoachingOf(ctx, id, at, args.window ?? undefined));
        break;
      default:
        break;
    }
  }
  await Promise.allSettled(work);
}
