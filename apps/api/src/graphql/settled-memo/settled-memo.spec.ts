import { SettledMemo, thenEventually } from './settled-memo';

describe('SettledMemo', () => {
  it('given a key asked twice before it settles, then it is computed once, and after it settles it is given at once', async () => {
    const memo = new SettledMemo();
    let computed = 0;
    const compute = () => Promise.resolve(++computed);
    const first = memo.get('k', compute);
    const second = memo.get('k', compute);
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBe(first);
    expect(await first).toBe(1);
    expect(memo.get('k', compute)).toBe(1);
    expect(computed).toBe(1);
  });

  it('given a computation that fails, then its failure reaches the asker and the next ask computes again', async () => {
    const memo = new SettledMemo();
    await expect(memo.get('k', () => Promise.reject(new Error('read failed')))).rejects.toThrow(
      'read failed',
    );
    expect(await memo.get('k', () => Promise.resolve(2))).toBe(2);
    expect(memo.get('k', () => Promise.resolve(3))).toBe(2);
  });

  it('given a value primed, then it is given at once, unless the request computes or holds its own', async () => {
    const memo = new SettledMemo();
    memo.prime('shared', 'from another request');
    expect(memo.get('shared', () => Promise.resolve('computed'))).toBe('from another request');
    const pending = memo.get('own', () => Promise.resolve('computed'));
    memo.prime('own', 'from another request');
    expect(await pending).toBe('computed');
    expect(memo.get('own', () => Promise.resolve('again'))).toBe('computed');
    memo.prime('own', 'later');
    expect(memo.get('own', () => Promise.resolve('again'))).toBe('computed');
  });

  it('thenEventually maps a value at once and a promise when it settles', async () => {
    expect(thenEventually(2, (v) => v * 3)).toBe(6);
    expect(await thenEventually(Promise.resolve(2), (v) => v * 3)).toBe(6);
  });
});
