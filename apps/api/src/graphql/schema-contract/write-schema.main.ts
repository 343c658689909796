import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_RESOLVERS } from '../../api.resolvers';
import { accessProblems, printAccess } from '../../auth/access';
import { GRAPHQL_CONTRACT_VERSION, judgeSchema, printContractSchema, schemaFileOf } from './schema-contract';

// `npm run docs` writes the API's schema (built from the resolvers it serves) as SDL and its access
// table; with --check (CI) it writes nothing and fails when either is stale. Either way a root field
// without a right access declaration fails, and so does a breaking change against the checked-in
// schema of the same contract version: it needs GRAPHQL_CONTRACT_VERSION moved.
const root = join(__dirname, '..', '..', '..', '..', '..', '..');
/** every root field's roles and what a group-scoped token gets, so a change of access shows in review */
const ACCESS_FILE = 'docs/graphql/access.v1.md';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS);
  await app.close();
  const current = printContractSchema(schema);
  const check = process.argv.includes('--check');

  const problems = accessProblems(schema);
  if (problems.length > 0)
    throw new Error(`root fields whose access is not declared right:\n  ${problems.join('\n  ')}`);

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
  const generated = [
    { file, text: current, stale: judgement.stale },
    { file: ACCESS_FILE, text: printAccess(schema), stale: undefined },
  ];
  for (const doc of generated) {
    const target = join(root, doc.file);
    const stale = doc.stale ?? (!existsSync(target) || readFileSync(target, 'utf8') !== doc.text);
    if (check) {
      if (stale) throw new Error(`out of date, run npm run docs: ${doc.file}`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, doc.text);
    process.stderr.write(`wrote ${doc.file}\n`);
  }
  if (check) process.stderr.write(`GraphQL schema and access are current and compatible (${file})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`graphql schema: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
