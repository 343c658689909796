import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractSchemaFiles } from './event-json-schemas';
import { replaceEventTypesTable } from './event-types-table';

const root = join(__dirname, '..', '..', '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('docs generated from the event catalog (run `npm run docs` after changing it)', () => {
  it.each(Object.entries(contractSchemaFiles()))('docs/schemas/%s is current', (file, schema) => {
    expect(JSON.parse(read(`docs/schemas/${file}`))).toEqual(schema);
  });

  it('the README table of event types is current', () => {
    const readme = read('README.md');
    expect(replaceEventTypesTable(readme)).toBe(readme);
  });
});
