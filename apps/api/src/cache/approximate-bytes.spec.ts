import { approximateBytes } from './approximate-bytes';

describe('approximate heap bytes of parsed JSON, for byte budgets', () => {
  it('counts strings by their length, numbers, arrays and objects by their slots', () => {
    expect(approximateBytes('abcd')).toBe(16 + 8);
    expect(approximateBytes(1)).toBe(16);
    expect(approximateBytes([1, 2])).toBe(32 + 2 * 8 + 2 * 16);
    expect(approximateBytes({ a: 'x' })).toBe(32 + 16 + (16 + 2));
    expect(approximateBytes(null)).toBe(0);
  });

  it('grows with what a value holds, at least as fast as its JSON', () => {
    const team = (i: number) => ({
      teamId: `t${i}`,
      name: `Team ${i}`,
      ships: [1, 2, 3],
      blocked: [{ start: 1, end: 2 }],
    });
    const one = approximateBytes([team(0)]);
    const thousand = approximateBytes(Array.from({ length: 1_000 }, (_, i) => team(i)));
    expect(thousand).toBeGreaterThan(900 * one);
    expect(thousand).toBeGreaterThan(JSON.stringify(Array.from({ length: 1_000 }, (_, i) => team(i))).length);
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(approximateBytes(deep)).toBeGreaterThan(100_000 * 40);
  });
});
