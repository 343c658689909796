import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { getNamedType, isLeafType, isObjectType } from 'graphql';
import { API_RESOLVERS } from '../../api.resolvers';
import { CooperativeScheduler } from '../execution-limits/cooperative-scheduler';
import { isPlainLeaf, limitExecution } from '../execution-limits/limit-execution';
import { callFieldResolversDirectly } from './direct-field-resolvers';
import { fieldResolverMethods } from './field-resolver-methods';

/**
 * Prints, as JSON, every field resolver of the API's schema with the parameters read from its
 * decorators, which ones the API calls directly or through Nest, and the leaf fields whose
 * resolvers its execution limits wrap (the others are plain leaves); tests read it.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS);
  await app.close();
  const methods = fieldResolverMethods(API_RESOLVERS);
  // instances are not called here: their prototypes hold the methods
  const { direct, kept } = callFieldResolversDirectly(
    schema,
    methods,
    (owner) => Object.create(owner.prototype as object) as object,
  );
  const params = Object.fromEntries(methods.map((m) => [`${m.typeName}.${m.fieldName}`, m.params]));
  limitExecution(schema, new CooperativeScheduler());
  const leaves = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type) => Object.values(type.getFields()).map((field) => ({ type, field })))
    .filter(({ field }) => isLeafType(getNamedType(field.type)));
  const coordinate = ({ type, field }: (typeof leaves)[number]) => `${type.name}.${field.name}`;
  const plainLeaves = leaves.filter(({ field }) => isPlainLeaf(field)).map(coordinate);
  const wrappedLeaves = leaves.filter(({ field }) => !isPlainLeaf(field)).map(coordinate);
  process.stdout.write(`${JSON.stringify({ direct, kept, params, plainLeaves, wrappedLeaves })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
