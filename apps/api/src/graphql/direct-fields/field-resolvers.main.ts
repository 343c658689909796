import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { API_RESOLVERS } from '../../api.resolvers';
import { callFieldResolversDirectly } from './direct-field-resolvers';
import { fieldResolverMethods } from './field-resolver-methods';

/**
 * Prints, as JSON, every field resolver of the API's schema with the parameters read from its
 * decorators, and which ones the API calls directly or through Nest; tests read it.
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
  process.stdout.write(`${JSON.stringify({ direct, kept, params })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
