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
import { COACHED_FIGURE, managerCoachingOf } from '../coaching/manager-coaching';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { type WindowArgument, toWindow } from '../graphql/window-argument';
import {
  CADENCE_FIGURE,
  type ManagerFigure,
  PERSON_FIGURE,
  REPORTS_FIGURE,
  SUBTREE_FIGURE,
} from './manager-figures';
import { sharePageFigure } from './manager-figures.shared';

interface FieldArgs {
  asOf?: Date | null;
  window?: WindowArgument | null;
}

/** The window asked, or null for one refused (its field says why when it resolves). */
function windowOrNull(window: WindowArgument): { from: number; to: number } | null {
  try {
    return toWindow(window);
  } catch {
    return null;
  }
}

/**
 * The fields asked of each entry, as graphql-js will resolve them: those @skip or @include leave out are
 * not (fragments aside: their fields are computed as they resolve).
 */
function fieldsOf(node: FieldNode, variables: GraphQLResolveInfo['variableValues']): FieldNode[] {
  return (node.selectionSet?.selections ?? []).filter(
    (s): s is FieldNode =>
      s.kind === Kind.FIELD &&
      getDirectiveValues(GraphQLSkipDirective, s, variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, s, variables)?.if !== false,
  );
}

/**
 * Computes, for every manager of the page together, the values of the fields the query asks of them
 * (with the arguments it gives), so that their reads go out batched and each entry's fields then resolve
 * at once from the request's memo. A failure here is left to the field that asked for it. With `page` (the
 * list's page, e.g. its first and after), the figures asked at now are shared by the org's requests for the
 * same page (sharePageFigure): only those over a window are computed for each.
 */
export async function prefetchManagerFields(
  ctx: RequestContext,
  ids: readonly string[],
  info: GraphQLResolveInfo,
  now: number,
  page?: string,
  /** Where the entries are under the field: none for a list, `edges`, `node` for a connection. */
  entryPath: readonly string[] = [],
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
  const work: Promise<unknown>[] = [];
  // every entry's value, settled or not (each failure is the field's)
  const each = (value: (id: string) => Eventually<unknown>): Promise<unknown> => {
    const asked: Eventually<unknown>[] = [];
    try {
      for (const id of ids) asked.push(value(id));
    } catch {
      // an argument refused (a window backwards): the field says so when it resolves
    }
    return Promise.allSettled(asked);
  };
  // figures asked at now of a page: shared, once each, by the org's requests for the page
  const shared = new Map<ManagerFigure, Promise<void>>();
  const ask = (figure: ManagerFigure, { asOf, at }: FieldArgs & { at: number }): void => {
    if (page === undefined || (asOf ?? undefined) !== undefined)
      work.push(each((id) => figure.of(ctx, id, at)));
    else if (!shared.has(figure)) {
      const primed = sharePageFigure(ctx, figure, page, ids, now);
      shared.set(figure, primed);
      work.push(primed);
    }
  };
  let entries = info.fieldNodes.slice(0, 1);
  for (const name of entryPath)
    entries = entries.flatMap((n) => fieldsOf(n, info.variableValues).filter((f) => f.name.value === name));
  for (const node of entries.flatMap((entry) => fieldsOf(entry, info.variableValues))) {
    const args = argsOf(manager, node);
    if (args === undefined) continue;
    switch (node.name.value) {
      case 'person':
        ask(PERSON_FIGURE, args);
        for (const inner of fieldsOf(node, info.variableValues)) {
          const innerArgs = inner.name.value === 'reports' ? argsOf(person, inner) : undefined;
          if (innerArgs !== undefined) ask(REPORTS_FIGURE, innerArgs);
        }
        break;
      case 'directReports':
      case 'reports':
      case 'oneOnOneCoverage':
      case 'overdueReports':
        ask(CADENCE_FIGURE, args);
        break;
      case 'subtree':
        ask(SUBTREE_FIGURE, args);
        break;
      case 'coaching': {
        // its reports and their plans are of its time (shared at now); only its 1:1s are the window's,
        // read at once (the coaching's own ask of them then finds them read)
        ask(COACHED_FIGURE, args);
        const span = args.window && ctx.seesPeople ? windowOrNull(args.window) : null;
        if (span !== null) work.push(each((id) => ctx.coaching.heldIn(id, span.from, span.to)));
        const coaching = () => each((id) => managerCoachingOf(ctx, id, args.at, args.window ?? undefined));
        work.push((shared.get(COACHED_FIGURE) ?? Promise.resolve()).then(coaching, coaching));
        break;
      }
      default:
        break;
    }
  }
  await Promise.allSettled(work);
}
