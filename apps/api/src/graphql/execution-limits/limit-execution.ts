import {
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
} from 'graphql';
import type { CooperativeScheduler } from './cooperative-scheduler';
import { type ExecutionBudget, budgets } from './execution-budget';

const limited = new WeakSet<object>();

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * graphql-js stops awaiting a field's siblings once one fails synchronously where null is not
 * allowed: a promise it dropped must not reject unobserved, which would end the process. So a
 * limited resolver never fails synchronously, and every promise it returns is observed.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(ignore);
  return promise;
}

const ignore = (): undefined => undefined;

function* entriesInSlices(
  entries: readonly unknown[],
  scheduler: CooperativeScheduler,
  owner: object,
): Generator<unknown> {
  for (const entry of entries) yield scheduler.defer(entry, owner);
}

/** About the JSON bytes of a leaf value (string escapes aside). */
function leafBytes(value: unknown): number {
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
function fieldBytes(info: GraphQLResolveInfo, leaf: boolean, value: unknown): number {
  const key = info.fieldNodes[0]?.alias?.value ?? info.fieldName;
  if (leaf) return key.length + 4 + leafBytes(value);
  return key.length + 6 + (Array.isArray(value) ? value.length : 0);
}

/**
 * Wraps every field's resolver (the default one included) once, in place: for a request with a
 * budget, each resolver runs in the scheduler's slices, after checking the deadline, and counts the
 * bytes it adds to the answer. Subscriptions (no budget) run as they are.
 */
export function limitExecution(schema: GraphQLSchema, scheduler: CooperativeScheduler): GraphQLSchema {
  const subscription = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === subscription) continue;
    for (const field of Object.values(type.getFields())) {
      if (limited.has(field)) continue; // a type shared by two schemas is wrapped once
      limited.add(field);
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const leaf = isLeafType(getNamedType(field.type));
      const listOfObjects = !leaf && isListType(getNullableType(field.type));
      const counted = (budget: ExecutionBudget, info: GraphQLResolveInfo, value: unknown) => {
        budget.add(fieldBytes(info, leaf, value));
        // graphql-js completes a list's entries one after the other as it pulls them: entries past
        // the slice come later, and their fields are resolved then
        return listOfObjects && Array.isArray(value) && value.length > 1
          ? entriesInSlices(value, scheduler, budget)
          : value;
      };
      // one promise more at most (for a list to slice): every field of a large answer passes here
      const finished = (budget: ExecutionBudget, info: GraphQLResolveInfo, value: unknown) => {
        if (!isPromise(value)) return counted(budget, info, value);
        // work still running at the deadline does not hold the answer: the query ends with the cut
        const timely = Promise.race([value, budget.expired]);
        if (listOfObjects) return observed(timely.then((resolved) => counted(budget, info, resolved)));
        timely.then((resolved) => budget.add(fieldBytes(info, leaf, resolved)), ignore);
        return timely;
      };
      field.resolve = (source, args, context, info) => {
        const budget = budgets.get(context as object);
        if (budget === undefined) return resolve(source, args, context, info);
        try {
          budget.check();
          if (scheduler.ready()) return finished(budget, info, resolve(source, args, context, info));
          return observed(
            scheduler.later(() => {
              budget.check();
              return finished(budget, info, resolve(source, args, context, info));
            }, budget),
          );
        } catch (error) {
          // never a synchronous failure: graphql-js would drop the sibling fields already pending
          return observed(Promise.reject(error as Error));
        }
      };
    }
  }
  return schema;
}
