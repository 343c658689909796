import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { KeyPartitioner } from './key-partitioner';

const metadata = (partitions: number): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

/** Keys of every length mod 4, non-ASCII text (an unpaired surrogate, a long one), bytes whose top bit is set. */
const keys = (): (string | Buffer)[] => {
  const out: (string | Buffer)[] = [
    '',
    'a',
    'ab',
    'abc',
    'abcd',
    'équipe:ß',
    '😀 team',
    '\ud800x',
    'é'.repeat(400),
  ];
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.alloc(i % 97);
    for (let j = 0; j < bytes.length; j++) bytes[j] = seed = (Math.imul(seed, 1103515245) + 12345) >>> 16;
    out.push(i % 2 === 0 ? bytes : `9b2f7c1e-1d2a-4c3b-9a8e-0f1e2d3c4b5a/team:${bytes.toString('hex')}`);
  }
  return out;
};

describe('KeyPartitioner', () => {
  it.each([1, 6, 7, 64])('puts every key on the partition kafkajs puts it on (%i partitions)', (n) => {
    const ours = KeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const args = keys().map((key) => ({
      topic: 't',
      partitionMetadata: metadata(n),
      message: { key, value: 'v' },
    }));
    expect(args.map(ours)).toEqual(args.map(theirs));
  });

  it('keeps a partition the record names', () => {
    const args = {
      topic: 't',
      partitionMetadata: metadata(6),
      message: { key: 'k', value: 'v', partition: 4 },
    };
    expect(KeyPartitioner()(args)).toBe(4);
  });

  it('spreads keyless records over the partitions', () => {
    const partition = KeyPartitioner();
    const seen = new Set(
      Array.from({ length: 12 }, () =>
        partition({ topic: 't', partitionMetadata: metadata(6), message: { value: 'v' } }),
      ),
    );
    expect(seen.size).toBe(6);
  });
});
