import { randomUUID } from 'node:crypto';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { type DeadLetter, DeadLettersRepository } from './dead-letters.repository';

describe('the dead-letter outbox (real PostgreSQL)', () => {
  jest.setTimeout(60_000);
  let db: DataSource;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  const letter = (clusterId: string, offset: string): DeadLetter => ({
    clusterId,
    topicId: 'topic-id',
    topic: 'orgpulse.events.v1',
    partition: 0,
    offset,
    timestamp: '1767600000000',
    key: Buffer.from('org/team:a'),
    value: null,
    headers: { 'orgpulse-trace': 'x' },
    error: 'not JSON',
  });

  it('given letters found on the topic, then it counts the ones it marked, not the rows of an UPDATE answer', async () => {
    const clusterId = randomUUID();
    const letters = new DeadLettersRepository(db.manager);
    expect(await letters.add([letter(clusterId, '1'), letter(clusterId, '2'), letter(clusterId, '3')])).toBe(
      3,
    );
    const found = (offset: string, dlqOffset: string) => ({
      ...letter(clusterId, offset),
      dlqPartition: 0,
      dlqOffset,
    });
    expect(await letters.markFoundOnTopic([found('1', '10')])).toBe(1);
    // one marked already, one new, one never stored: only the new one counts
    expect(await letters.markFoundOnTopic([found('1', '10'), found('3', '11'), found('9', '12')])).toBe(1);
    expect(await letters.markFoundOnTopic([found('1', '10')])).toBe(0);
    const pending = (await letters.pending(1_000)).filter((l) => l.clusterId === clusterId);
    expect(pending.map((l) => [l.offset, l.key?.toString(), l.value, l.headers])).toEqual([
      ['2', 'org/team:a', null, { 'orgpulse-trace': 'x' }],
    ]);
  });
});
