import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print, visit } from 'graphql';
import { GRAPHQL_CONTRACT_VERSION, judgeSchema, schemaFileOf } from './schema-contract';

const root = join(__dirname, '..', '..', '..', '..', '..');
const checkedIn = readFileSync(join(root, schemaFileOf(GRAPHQL_CONTRACT_VERSION)), 'utf8');

/** The checked-in schema with one field of a type taken out. */
const withoutField = (sdl: string, type: string, field: string): string =>
  print(
    visit(parse(sdl), {
      ObjectTypeDefinition: (node) =>
        node.name.value !== type
          ? undefined
          : { ...node, fields: node.fields?.filter((f) => f.name.value !== field) },
    }),
  );

describe('the GraphQL contract check (npm run docs; --check in CI)', () => {
  it('passes the checked-in schema against itself', () => {
    expect(judgeSchema(checkedIn, checkedIn)).toEqual({ breaking: [], stale: false });
  });

  it.each([
    ['Alert', 'rule'],
    ['Team', 'headcount'],
    ['Query', 'alerts'],
  ])('fails when %s.%s is removed, until the contract version moves', (type, field) => {
    const judgement = judgeSchema(checkedIn, withoutField(checkedIn, type, field));
    expect(judgement.breaking).toEqual([`FIELD_REMOVED: ${type}.${field} was removed.`]);
  });

  it('fails when a field changes type', () => {
    const changed = checkedIn.replace(/(type Team \{[^}]*\n {2}headcount: )Int!/, '$1Float!');
    expect(judgeSchema(checkedIn, changed).breaking).toEqual([
      'FIELD_CHANGED_KIND: Team.headcount changed type from Int! to Float!.',
    ]);
  });

  it('lets a field be added, asking only for the file to be regenerated', () => {
    const added = checkedIn.replace('type Alert {', 'type Alert {\n  note: String');
    expect(judgeSchema(checkedIn, added)).toEqual({ breaking: [], stale: true });
  });

  it('treats a version with no file yet as new: nothing to break, the file to write', () => {
    expect(judgeSchema(undefined, checkedIn)).toEqual({ breaking: [], stale: true });
  });
});
