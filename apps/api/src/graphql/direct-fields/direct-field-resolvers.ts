import type { Type } from '@nestjs/common';
import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';

/** What a resolver class's decorators say of one of its field resolvers (see field-resolver-methods.ts). */
export interface FieldResolverMethod {
  /** the resolver class (its instance is asked for by it) and the method */
  owner: Type;
  method: string;
  /** the schema coordinate: object type and field */
  typeName: string;
  fieldName: string;
  /** per parameter index: where its value comes from; undefined for a parameter without a decorator */
  params: (ParamSource | undefined)[];
  /** why Nest must keep calling it (pipes, field middleware, renamed input fields), if anything */
  needsNest?: string;
}

/** @nestjs/graphql's parameter decorators: @Parent(), @Context(key?), @Info(), @Args(name?) */
export type ParamSource =
  { from: 'parent' } | { from: 'context'; key?: string } | { from: 'info' } | { from: 'args'; name?: string };

type Extract = (source: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

function extractorOf(param: ParamSource): Extract {
  switch (param.from) {
    case 'parent':
      return (source) => source;
    case 'context': {
      const { key } = param;
      return key === undefined
        ? (_s, _a, context) => context
        : (_s, _a, context) => (context as Record<string, unknown>)[key];
    }
    case 'info':
      return (_s, _a, _c, info) => info;
    case 'args': {
      const { name } = param;
      return name === undefined ? (_s, args) => args : (_s, args) => args[name];
    }
  }
}

/**
 * Nest calls each @ResolveField method through its generic pipeline: async parameter pipes, an
 * interceptor chain and a result transform, about eight promises and closures a call, though this
 * API gives field resolvers no pipes, guards, interceptors or filters (no fieldResolverEnhancers).
 * A page resolves thousands of them (about eight per manager of the managers list), and that
 * pipeline took a quarter of the API's CPU on the leadership page. So each field resolver the
 * schema has for these methods calls the method directly, with the parameters its decorators ask
 * for, as Nest itself does for a method without parameter decorators. A method that needs more of
 * Nest keeps Nest's call. A method the schema has no field for is a mistake found at start-up.
 */
export function callFieldResolversDirectly(
  schema: GraphQLSchema,
  methods: readonly FieldResolverMethod[],
  instanceOf: (owner: Type) => object,
): { direct: string[]; kept: string[] } {
  const direct: string[] = [];
  const kept: string[] = [];
  for (const m of methods) {
    const coordinate = `${m.typeName}.${m.fieldName}`;
    const type = schema.getType(m.typeName);
    const field = isObjectType(type) ? type.getFields()[m.fieldName] : undefined;
    if (field === undefined)
      throw new Error(`field resolver ${m.owner.name}.${m.method}: no ${coordinate} in the schema`);
    const undecorated = m.params.findIndex((p) => p === undefined);
    const reason =
      m.needsNest ?? (undecorated >= 0 ? `parameter ${undecorated} without a decorator` : undefined);
    if (reason !== undefined) {
      kept.push(`${coordinate} (${reason})`);
      continue;
    }
    const instance = instanceOf(m.owner) as Record<string, (...params: unknown[]) => unknown>;
    const call = instance[m.method];
    if (typeof call !== 'function')
      throw new Error(`field resolver ${m.owner.name}.${m.method}: not a method of its instance`);
    const extractors = (m.params as ParamSource[]).map(extractorOf);
    const resolve: GraphQLFieldResolver<unknown, unknown, Record<string, unknown>> = (
      source,
      args,
      context,
      info,
    ) => {
      const params = new Array<unknown>(extractors.length);
      for (let i = 0; i < extractors.length; i++) params[i] = extractors[i](source, args, context, info);
      try {
        return call.apply(instance, params);
      } catch (error) {
        // as Nest's call did: a failure is a rejected promise, never a synchronous throw
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    field.resolve = resolve;
    direct.push(coordinate);
  }
  return { direct, kept };
}
