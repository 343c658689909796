import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { API_RESOLVERS } from '../api.resolvers';
import { rootFieldAccess } from './access';

/**
 * Prints, as JSON, every query, mutation and subscription of the API's schema (built from the
 * resolvers the API serves) with the access it declares; tests read it to find undeclared ones.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS);
  await app.close();
  process.stdout.write(`${JSON.stringify(rootFieldAccess(schema))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
