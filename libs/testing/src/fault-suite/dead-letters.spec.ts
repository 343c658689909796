import type { TopicRecord } from '../kafka-records';
import { checkDeadLetters } from './dead-letters';
import type { ProducedPoison } from './poison-records';

const poison = (label: string, partition: number, offset: string, value: string | null): ProducedPoison => ({
  kind: 'not-json',
  label,
  key: 'k',
  value: value === null ? null : Buffer.from(value),
  partition,
  offset,
});

const letter = (partition: number, offset: string, value: string | null): TopicRecord => ({
  partition: 0,
  offset: '0',
  key: 'k',
  value,
  headers: { 'orgpulse-origin-partition': String(partition), 'orgpulse-origin-offset': offset },
});

describe('checkDeadLetters', () => {
  const produced = [poison('a', 1, '10', 'not json'), poison('b', 2, '7', null)];

  it('is clean when each poison record is there once, with its bytes', () => {
    expect(checkDeadLetters([letter(1, '10', 'not json'), letter(2, '7', null)], produced)).toEqual({
      records: 2,
      missing: [],
      repeated: {},
      unexpected: [],
    });
  });

  it('reports poison missing, dead-lettered twice, and letters that are no poison', () => {
    const check = checkDeadLetters(
      [letter(1, '10', 'not json'), letter(1, '10', 'not json'), letter(3, '1', '{"id":"valid"}')],
      produced,
    );
    expect(check.missing).toEqual(['b (2:7)']);
    expect(check.repeated).toEqual({ a: 2 });
    expect(check.unexpected).toHaveLength(1);
  });

  it('does not count a letter from the right origin with other bytes', () => {
    expect(checkDeadLetters([letter(1, '10', 'changed')], produced.slice(0, 1)).missing).toEqual([
      'a (1:10)',
    ]);
  });
});
