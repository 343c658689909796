import {
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  defaultFieldResolver,
  getNamedType,
  isLeafType,
  isObjectType,
} from 'graphql';
import type { CooperativeScheduler } from './cooperative-scheduler';
import { type ExecutionBudget, budgets } from './execution-budget';

const limited = new WeakSet<object>();

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

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
      const counted = (budget: ExecutionBudget, info: GraphQLResolveInfo, value: unknown) => {
        budget.add(fieldBytes(info, leaf, value));
        return value;
      };
      field.resolve = (source, args, context, info) => {
        const budget = budgets.get(context as object);
        if (budget === undefined) return resolve(source, args, context, info);
        budget.check();
        return scheduler.run(() => {
          budget.check();
          const value = resolve(source, args, context, info);
          return isPromise(value)
            ? value.then((resolved) => counted(budget, info, resolved))
            : counted(budget, info, value);
        });
      };
    }
  }
  return schema;
}
