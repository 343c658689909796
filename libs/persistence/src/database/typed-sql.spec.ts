import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Queryable, RowShapeError, col, rowShape, selectOne, selectRow, selectRows } from './typed-sql';

const answering = (rows: unknown): Queryable =>
  ({ query: () => Promise.resolve(rows) }) as unknown as Queryable;
const TEAM = rowShape('team', { id: col.text(), headcount: col.int(), since: col.nullable(col.date()) });

describe('rows checked at the boundary', () => {
  it('given rows of the promised shape, then they come back as they are', async () => {
    const rows = [
      { id: 'a', headcount: 3, since: null },
      { id: 'b', headcount: 0, since: new Date(0) },
    ];
    await expect(selectRows(answering(rows), TEAM, 'SELECT')).resolves.toBe(rows);
    await expect(selectRow(answering([]), TEAM, 'SELECT')).resolves.toBeUndefined();
  });

  it.each([
    [
      'a bigint that came back as text',
      [{ id: 'a', headcount: '3', since: null }],
      'team: row 0 at /headcount Expected integer',
    ],
    ['a column gone', [{ id: 'a', since: null }], 'team: row 0 at /headcount Expected required property'],
    [
      'the second row wrong',
      [
        { id: 'a', headcount: 1, since: null },
        { id: 7, headcount: 1, since: null },
      ],
      'team: row 1 at /id Expected string',
    ],
    ['an UPDATE answer ([rows, count]) taken for rows', [[], 0], 'team: row 0 Expected object'],
  ])('given %s, then it fails naming the shape, the row and the field', async (_, rows, message) => {
    const failure = selectRows(answering(rows), TEAM, 'SELECT');
    await expect(failure).rejects.toBeInstanceOf(RowShapeError);
    await expect(failure).rejects.toThrow(message);
  });

  it('an aggregate that returned no row is an error, not undefined', async () =>
    expect(selectOne(answering([]), TEAM, 'SELECT')).rejects.toThrow('team: row 0 is missing'));
});

describe('rows are read one way', () => {
  const sourcesUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourcesUnder(path);
      const test = entry.name.includes('spec.ts') || entry.name.endsWith('.test-support.ts');
      return entry.name.endsWith('.ts') && !test ? [path] : [];
    });

  it('no production source uses a statement’s rows without a checked shape (an asserted type or a result kept)', () => {
    const root = join(__dirname, '../../../..');
    const sources = ['apps', 'libs']
      .flatMap((dir) => sourcesUnder(join(root, dir)))
      .filter((path) => !path.includes(`${join('libs', 'testing')}`) && !path.endsWith('typed-sql.ts'));
    const unchecked = sources.flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      return [...text.matchAll(/\.query<|(?:=|return)\s*\(?\s*(?:await\s+)?[\w.]+\.query\(/g)].map(
        (m) => `${path.slice(root.length + 1)}:${text.slice(0, m.index).split('\n').length}`,
      );
    });
    expect(unchecked).toEqual([]);
  });
});
