import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundedLines } from './bounded-lines';
import {
  MAX_LINE_BYTES,
  cellValue,
  csvHeaderProblem,
  csvRowToEnvelope,
  readNdjsonStream,
} from './event-file';
import { validateFile } from './import-events.cli';

const NOW = new Date('2026-11-21T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'orgpulse-import-'));
const fileWith = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const line = (id: string, occurredAt = '2025-01-06T09:00:00Z') =>
  JSON.stringify({ id, type: 'delivery.shipped', occurredAt, data: { teamId: 'payments' } });

describe('reading a backfill file', () => {
  it('refuses a line longer than the limit as soon as it passes it, without holding it', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let produced = 0;
    // a line that only ends after 64 MiB, then a good one
    async function* endless(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 1024; i++) {
        produced += chunk.length;
        yield await Promise.resolve(chunk);
      }
      yield Buffer.from(`\n${line('after')}\n`);
    }
    const entries = readNdjsonStream(endless())[Symbol.asyncIterator]();
    const first = await entries.next();
    expect(first.value).toEqual({ line: 1, problem: `the line is longer than ${MAX_LINE_BYTES} bytes` });
    expect(produced).toBeLessThanOrEqual(MAX_LINE_BYTES + 2 * chunk.length);
    expect((await entries.next()).value).toEqual({ line: 2, input: JSON.parse(line('after')) });
    expect((await entries.next()).done).toBe(true);
  });

  it('splits lines across chunks, with CRLF, a last line without newline, and a line of exactly the limit', async () => {
    const lines = async (chunks: string[], max = 8) => {
      const out = [];
      for await (const l of boundedLines(
        chunks.map((c) => Buffer.from(c)),
        max,
      ))
        out.push(l);
      return out;
    };
    expect(await lines(['ab', 'c\r\nde', 'f\n\ng'])).toEqual([
      { text: 'abc' },
      { text: 'def' },
      { text: '' },
      { text: 'g' },
    ]);
    expect(await lines(['12345678\r\n', '123456789\nok'])).toEqual([
      { text: '12345678' },
      { tooLong: true },
      { text: 'ok' },
    ]);
    expect(await lines(['é'.repeat(5)], 9)).toEqual([{ tooLong: true }]);
  });

  it.each<[string, unknown]>([
    // [a cell of team.registered, then its value]
    ['data.headcount 8', 8],
    ['data.name 8', '8'],
    ['data.teamId 007', '007'],
  ])('reads %s by the field’s schema', (given, expected) => {
    const [column, cell] = given.split(' ');
    expect(cellValue('team.registered', column.slice(5), cell)).toBe(expected);
  });

  it('reads lists as a;b or JSON, and null for nullable ids', () => {
    expect(cellValue('discovery.interview-held', 'participantRoles', 'pm; designer')).toEqual([
      'pm',
      'designer',
    ]);
    expect(cellValue('discovery.interview-held', 'participantRoles', '["pm"]')).toEqual(['pm']);
    expect(cellValue('person.manager-changed', 'managerId', 'null')).toBeNull();
  });

  it('reads competency levels as name=level;name=level, or JSON (contract §14)', () => {
    expect(cellValue('one-on-one.held', 'ratings', 'discovery=3; stakeholder management=4')).toEqual([
      { competency: 'discovery', level: 3 },
      { competency: 'stakeholder management', level: 4 },
    ]);
    expect(cellValue('coaching.plan-set', 'competencies', 'discovery=4')).toEqual([
      { name: 'discovery', target: 4 },
    ]);
    expect(cellValue('coaching.plan-set', 'competencies', '[{"name":"a","target":2}]')).toEqual([
      { name: 'a', target: 2 },
    ]);
    // left as text: validation then says where and what is wrong
    expect(cellValue('one-on-one.held', 'ratings', 'discovery')).toEqual(['discovery']);
  });

  it('turns a CSV row into the native envelope, leaving empty cells out', () => {
    expect(
      csvRowToEnvelope({
        id: 'e1',
        type: 'team.blocked',
        occurredAt: '2025-01-06T09:00:00Z',
        source: '',
        'data.teamId': 'payments',
        'data.reason': 'dependency',
        'data.blockedBy': '',
      }),
    ).toEqual({
      id: 'e1',
      type: 'team.blocked',
      occurredAt: '2025-01-06T09:00:00Z',
      data: { teamId: 'payments', reason: 'dependency' },
    });
  });

  it.each([
    [['id', 'type'], 'the header lacks occurredAt'],
    [
      ['id', 'type', 'occurredAt', 'teamId'],
      'unknown columns teamId; expected id, type, occurredAt, source and data.<field>',
    ],
    [['id', 'type', 'occurredAt', 'data.a', 'data.a'], 'repeated columns data.a'],
  ])('refuses the CSV header %j', (columns, problem) => expect(csvHeaderProblem(columns)).toBe(problem));
});

describe('validating a whole file before anything is sent', () => {
  it('accepts a valid NDJSON file, skipping blank lines', async () => {
    const file = fileWith('ok.ndjson', `${line('a')}\n\n${line('b')}\n`);
    expect(await validateFile(file, NOW)).toEqual({ lines: 3, events: 2, problems: [], problemCount: 0 });
  });

  it('names every problem with its line number', async () => {
    const file = fileWith(
      'bad.ndjson',
      [
        line('a'),
        line('b'),
        '{"id":',
        line('d', '2026-11-21T12:06:00Z'),
        JSON.stringify({ id: 'e', type: 'nope', occurredAt: '2025-01-06T09:00:00Z', data: {} }),
      ].join('\n'),
    );
    const result = await validateFile(file, NOW);
    expect(result.problemCount).toBe(3);
    expect(result.problems).toEqual([
      { line: 3, message: expect.stringMatching(/^not valid JSON/) },
      { line: 4, path: 'occurredAt', message: 'must not be more than 5 minutes in the future' },
      { line: 5, path: 'type', message: expect.stringMatching(/not a known event type/) },
    ]);
  });

  it('reads CSV with line numbers, and refuses its bad rows by the same rules', async () => {
    const file = fileWith(
      'events.csv',
      'id,type,occurredAt,source,data.teamId,data.name,data.headcount\n' +
        'r1,team.registered,2025-01-06T09:00:00Z,hr,payments,Payments,8\n' +
        'r2,team.registered,2025-01-06T09:00:00Z,hr,core,Core,eight\n',
    );
    const result = await validateFile(file, NOW);
    expect(result).toMatchObject({ lines: 3, events: 1, problemCount: 1 });
    expect(result.problems).toEqual([{ line: 3, path: 'data.headcount', message: expect.any(String) }]);
  });

  it('shows at most 100 problems and counts the rest', async () => {
    const file = fileWith('many.ndjson', Array.from({ length: 150 }, () => '{').join('\n'));
    const result = await validateFile(file, NOW);
    expect(result.problems).toHaveLength(100);
    expect(result.problemCount).toBe(150);
  });
});
