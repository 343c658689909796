import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_RESOLVERS } from '../../api.resolvers';
import { GRAPHQL_CONTRACT_VERSION, judgeSchema, printContractSchema, schemaFileOf } from './schema-contract';

// `npm run docs` writes the API's schema (built from the resolvers it serves) as SDL; with --check
// (CI) it writes nothing and fails when the file is stale. Either way a breaking change against the
// checked-in schema of the same contract version fails: it needs GRAPHQL_CONTRACT_VERSION moved.
const root = join(__dirname, '..', '..', '..', '..', '..', '..');

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  const current = printContractSchema(await app.get(GraphQLSchemaFactory).create(API_RESOLVERS));
  await app.close();

  const file = schemaFileOf(GRAPHQL_CONTRACT_VERSION);
  const path = join(root, file);
  const judgement = judgeSchema(existsSync(path) ? readFileSync(path, 'utf8') : undefined, current);
  if (judgement.breaking.length > 0) {
    throw new Error(
      `the schema breaks ${file} (contract version ${GRAPHQL_CONTRACT_VERSION}):\n  ${judgement.breaking.join('\n  ')}\n` +
        'keep the old fields (deprecate them), or move GRAPHQL_CONTRACT_VERSION in ' +
        'apps/api/src/graphql/schema-contract/schema-contract.ts and run npm run docs',
    );
  }
  if (process.argv.includes('--check')) {
    if (judgement.stale) throw new Error(`out of date, run npm run docs: ${file}`);
    process.stderr.write(`GraphQL schema is current and compatible (${file})\n`);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, current);
  process.stderr.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`graphql schema: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
