import type { Type } from '@nestjs/common';
import { PIPES_METADATA } from '@nestjs/common/constants';
import {
  FIELD_RESOLVER_MIDDLEWARE_METADATA,
  PARAM_ARGS_METADATA,
  RESOLVER_NAME_METADATA,
  RESOLVER_PROPERTY_METADATA,
  RESOLVER_TYPE_METADATA,
  TypeMetadataStorage,
} from '@nestjs/graphql';
import type { FieldResolverMethod, ParamSource } from './direct-field-resolvers';

// @nestjs/graphql's GqlParamtype (not exported): a method's parameter metadata is keyed `${type}:${index}`
const SOURCES: Record<string, ParamSource['from']> = { 0: 'parent', 1: 'context', 2: 'info', 3: 'args' };

interface ParamMetadata {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/**
 * Whether any input or arguments class renames a field (`@Field({ name })`): Nest then maps the
 * arguments of the methods taking one onto its property names per call. Decided for the whole
 * schema, not per argument (an argument's class may come from its explicit type, design-time
 * types, a list or a parent class): none does today.
 */
const anyRenamedInput = (): boolean =>
  [...TypeMetadataStorage.getInputTypesMetadata(), ...TypeMetadataStorage.getArgumentsMetadata()].some((m) =>
    (m.properties ?? []).some((p) => p.schemaName !== p.name),
  );

function paramsOf(target: Type, method: string): { params: (ParamSource | undefined)[]; needsNest?: string } {
  const metadata = (Reflect.getMetadata(PARAM_ARGS_METADATA, target, method) ?? {}) as Record<
    string,
    ParamMetadata
  >;
  const params: (ParamSource | undefined)[] = new Array<undefined>(
    (target.prototype as Record<string, () => unknown>)[method].length,
  );
  for (const [key, { index, data, pipes }] of Object.entries(metadata)) {
    const from = SOURCES[key.split(':')[0]];
    if (from === undefined || (data !== undefined && typeof data !== 'string'))
      return { params, needsNest: `parameter ${index}: a custom decorator` };
    if ((pipes ?? []).length > 0) return { params, needsNest: `parameter ${index}: pipes` };
    if ((from === 'parent' || from === 'info') && data !== undefined)
      return { params, needsNest: `parameter ${index}: ${from} with data` };
    params[index] =
      from === 'context' ? { from, key: data } : from === 'args' ? { from, name: data } : { from };
  }
  return { params };
}

/**
 * The field resolvers (@ResolveField) of resolver classes, read from the metadata @nestjs/graphql's
 * decorators leave, as its resolvers explorer reads it.
 */
export function fieldResolverMethods(resolvers: readonly Type[]): FieldResolverMethod[] {
  const found: FieldResolverMethod[] = [];
  const renamed = anyRenamedInput();
  for (const resolver of resolvers) {
    const classType = Reflect.getMetadata(RESOLVER_TYPE_METADATA, resolver) as string | undefined;
    for (const method of Object.getOwnPropertyNames(resolver.prototype)) {
      const fn = (resolver.prototype as Record<string, unknown>)[method];
      if (method === 'constructor' || typeof fn !== 'function') continue;
      if (Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, fn) !== true) continue;
      const { params, needsNest } = paramsOf(resolver, method);
      const middleware = Reflect.getMetadata(FIELD_RESOLVER_MIDDLEWARE_METADATA, fn) as unknown[] | undefined;
      const pipes = [
        ...((Reflect.getMetadata(PIPES_METADATA, resolver) as unknown[] | undefined) ?? []),
        ...((Reflect.getMetadata(PIPES_METADATA, fn) as unknown[] | undefined) ?? []),
      ];
      found.push({
        owner: resolver,
        method,
        typeName: (Reflect.getMetadata(RESOLVER_TYPE_METADATA, fn) as string | undefined) ?? classType ?? '',
        fieldName: (Reflect.getMetadata(RESOLVER_NAME_METADATA, fn) as string | undefined) ?? method,
        params,
        needsNest:
          needsNest ??
          ((middleware ?? []).length > 0
            ? 'field middleware'
            : pipes.length > 0
              ? '@UsePipes'
              : renamed && params.some((p) => p?.from === 'args')
                ? 'arguments, and an input class renames a field'
                : undefined),
      });
    }
  }
  return found;
}
