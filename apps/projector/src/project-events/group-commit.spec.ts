import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('commits what is submitted together as one group, and what arrives meanwhile as the next', async () => {
    const groups: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const commit = new GroupCommit<number, string>(async (items) => {
      groups.push(items);
      if (groups.length === 1) await gate;
      return items.map((i) => `done ${i}`);
    });
    const first = [1, 2, 3].map((i) => commit.submit(i));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [4, 5].map((i) => commit.submit(i));
    release();
    expect(await Promise.all([...first, ...later])).toEqual([
      'done 1',
      'done 2',
      'done 3',
      'done 4',
      'done 5',
    ]);
    expect(groups).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('fails every item of a failed group, and goes on with the next', async () => {
    const commit = new GroupCommit<number, number>((items) =>
      items.includes(13) ? Promise.reject(new Error('refused')) : Promise.resolve(items),
    );
    const results = await Promise.allSettled([commit.submit(1), commit.submit(13)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await commit.submit(2)).toBe(2);
  });

  it('keeps groups within the maximum', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>((items) => {
      sizes.push(items.length);
      return Promise.resolve(items);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => commit.submit(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
