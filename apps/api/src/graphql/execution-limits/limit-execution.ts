import {
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { type LeafRead, PlainLeaves, fieldBytes } from './answer-bytes';
import type { CooperativeScheduler } from './cooperative-scheduler';
import { type ExecutionBudget, budgets } from './execution-budget';

const limited = new WeakSet<object>();
/** Plain leaves (plainLeavesOf), not wrapped, and how each is read. */
const plain = new WeakMap<GraphQLField<unknown, unknown>, LeafRead>();

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

/**
 * A list's entries as graphql-js pulls them, each with the bytes of its plain leaves; entries past the
 * slice come later (their fields are resolved then), and once the request is cut the rest is the cut.
 */
function* entriesInSlices(
  entries: readonly unknown[],
  scheduler: CooperativeScheduler,
  budget: ExecutionBudget,
  leafBytesOf: ((entry: unknown) => number) | undefined,
): Generator<unknown> {
  for (const entry of entries) {
    try {
      budget.check();
    } catch (cut) {
      // not thrown: graphql-js would drop the promises of the entries before it
      yield observed(Promise.reject(cut as Error));
      return;
    }
    let next = entry;
    // an entry that comes later is the cut once past the deadline, its plain leaves counted then
    if (isPromise(entry))
      next = entry.then((settled) => {
        budget.check();
        if (leafBytesOf) budget.add(leafBytesOf(settled));
        return settled;
      });
    else if (leafBytesOf) budget.add(leafBytesOf(entry));
    const slotted = scheduler.defer(next, budget);
    // an entry of plain leaves only is not looked at again: in a later slice, past the deadline, it is the cut
    yield slotted === next ? next : (slotted as Promise<unknown>).then((later) => (budget.check(), later));
  }
}

/**
 * How a leaf field's value is read when its resolver only reads its object's property: graphql-js's
 * default resolver, or @nestjs/graphql's for a plain @Field() property without field middleware
 * (ObjectTypeDefinitionFactory.createFieldResolver: the property, else its defaultValue). Any other
 * resolver is not plain. The API's own test (api-auth.e2e-spec) checks its leaves are found plain.
 */
function plainRead(field: GraphQLField<unknown, unknown>): LeafRead | undefined {
  const { resolve, name } = field;
  if (resolve === undefined) return (source) => source[name];
  if (resolve.name === 'rootFieldResolver' && resolve.length === 1) return resolve as unknown as LeafRead;
  return undefined;
}

/**
 * Leaf fields read from their object's property, of a type that is no root and that no interface
 * or union can hold (so the field that resolves an object of it knows its type), with how each is read.
 */
function plainLeavesOf(schema: GraphQLSchema, types: readonly GraphQLObjectType[]) {
  const held = new Set<GraphQLObjectType>(
    [schema.getQueryType(), schema.getMutationType()].filter((t) => t != null),
  );
  for (const type of Object.values(schema.getTypeMap()))
    if (isUnionType(type)) for (const member of type.getTypes()) held.add(member);
  return types
    .filter((type) => type.getInterfaces().length === 0 && !held.has(type))
    .flatMap((type) => Object.values(type.getFields()))
    .filter((field) => isLeafType(getNamedType(field.type)))
    .flatMap((field) => {
      const read = plainRead(field);
      return read ? [[field, read] as const] : [];
    });
}

/** Whether limitExecution left the field to graphql-js, a plain leaf. */
export const isPlainLeaf = (field: GraphQLField<unknown, unknown>): boolean => plain.has(field);

/**
 * Wraps every field's resolver (the default one included) once, in place: for a request with a
 * budget, each resolver runs in the scheduler's slices, after checking the deadline, and counts the
 * bytes it adds to the answer. Plain leaves (a property of their object, most fields of a large answer)
 * are left to graphql-js: the field that resolves their object counts their bytes, and checks the
 * deadline, for all of them. Subscriptions (no budget) run as they are.
 */
export function limitExecution(schema: GraphQLSchema, scheduler: CooperativeScheduler): GraphQLSchema {
  const subscription = schema.getSubscriptionType();
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType =>
      isObjectType(type) && !type.name.startsWith('__') && type !== subscription,
  );
  const here = new Map(plainLeavesOf(schema, objectTypes));
  for (const [field, read] of here) if (!limited.has(field)) plain.set(field, read);
  // a field plain in another schema that is not here (a union holds its type) is wrapped: its own
  // resolver counts it then, in both
  for (const type of objectTypes)
    for (const field of Object.values(type.getFields())) if (!here.has(field)) plain.delete(field);
  const leaves = new PlainLeaves(plain);
  for (const type of objectTypes) {
    for (const field of Object.values(type.getFields())) {
      if (limited.has(field) || plain.has(field)) continue; // a type shared by two schemas is wrapped once
      limited.add(field);
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const leaf = isLeafType(getNamedType(field.type));
      const listOfObjects = !leaf && isListType(getNullableType(field.type));
      const named = getNamedType(field.type);
      const holdsLeaves = isObjectType(named) ? named : undefined;
      const counted = (budget: ExecutionBudget, info: GraphQLResolveInfo, value: unknown) => {
        budget.add(fieldBytes(info, leaf, value));
        const leafBytesOf = holdsLeaves && leaves.counter(info, holdsLeaves);
        // graphql-js completes a list's entries one after the other as it pulls them: entries past
        // the slice come later, and their fields are resolved then
        if (listOfObjects && Array.isArray(value) && (value.length > 1 || leafBytesOf))
          return entriesInSlices(value, scheduler, budget, leafBytesOf);
        if (leafBytesOf) budget.add(leafBytesOf(value));
        return value;
      };
      // one promise more at most (for a list to slice): every field of a large answer passes here
      const finished = (budget: ExecutionBudget, info: GraphQLResolveInfo, value: unknown) => {
        if (!isPromise(value)) return counted(budget, info, value);
        // work still running at the deadline does not hold the answer: the query ends with the cut
        const timely = Promise.race([value, budget.expired]);
        if (listOfObjects) return observed(timely.then((resolved) => counted(budget, info, resolved)));
        timely.then((resolved) => counted(budget, info, resolved)).catch(ignore);
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
