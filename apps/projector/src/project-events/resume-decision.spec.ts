import { decideResume } from './resume-decision';

const here = { clusterId: 'cluster-a', topicId: 'topic-1' };
const stored = (nextOffset: string, identity: typeof here | null = here) => ({
  partition: 1,
  nextOffset,
  identity,
});

describe('decideResume: where a partition starts after an assignment', () => {
  it.each([
    // given stored offset, identity now, [low, high) -> then from, rebind reason
    ['no stored offset', undefined, here, '0', '10', '0', 'first-start'],
    ['a stored offset within the partition', stored('6'), here, '0', '10', '6', undefined],
    ['a stored offset at the end', stored('10'), here, '0', '10', '10', undefined],
    [
      'an offset stored before identities were kept',
      stored('6', null),
      here,
      '0',
      '10',
      '0',
      'unrecorded-identity',
    ],
    [
      'an offset of another cluster (Kafka wiped)',
      stored('6004'),
      { ...here, clusterId: 'cluster-b' },
      '0',
      '3',
      '0',
      'other-cluster',
    ],
    [
      'an offset of another cluster, even below the new end',
      stored('2'),
      { ...here, clusterId: 'cluster-b' },
      '0',
      '3',
      '0',
      'other-cluster',
    ],
    [
      'an offset of a recreated topic',
      stored('2'),
      { ...here, topicId: 'topic-2' },
      '0',
      '9',
      '0',
      'other-topic',
    ],
    ['an offset beyond the end', stored('6004'), here, '0', '3', '0', 'beyond-end'],
    ['an offset below the start (retention)', stored('2'), here, '5', '9', '5', 'below-start'],
  ])('given %s, then from %s', (_name, given, identity, low, high, from, reason) => {
    const decision = decideResume({ stored: given, identity, low, high });
    expect(decision.from).toBe(from);
    expect(decision.rebind ? decision.reason : undefined).toBe(reason);
  });

  it('warns on every rebind but a first start', () => {
    const first = decideResume({ stored: undefined, identity: here, low: '0', high: '0' });
    const wiped = decideResume({
      stored: stored('9'),
      identity: { ...here, clusterId: 'b' },
      low: '0',
      high: '0',
    });
    expect(first.rebind && first.warn).toBe(false);
    expect(wiped.rebind && wiped.warn).toBe(true);
  });
});
