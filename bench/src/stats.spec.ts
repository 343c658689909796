import { percentile, spread } from './stats';

describe('spread over runs', () => {
  it.each<[string, number[], { median: number; min: number; max: number; runs: number }]>([
    ['one run', [7], { median: 7, min: 7, max: 7, runs: 1 }],
    ['three runs, in any order: the middle one', [30, 10, 20], { median: 20, min: 10, max: 30, runs: 3 }],
    ['an even count: the mean of the middle two', [4, 1, 3, 2], { median: 2.5, min: 1, max: 4, runs: 4 }],
    ['an outlier does not move the median', [100, 101, 5000], { median: 101, min: 100, max: 5000, runs: 3 }],
    [
      'a run that could not take the figure (NaN) is left out',
      [3, Number.NaN, 1],
      { median: 2, min: 1, max: 3, runs: 2 },
    ],
  ])('%s', (_case, values, expected) => {
    expect(spread(values)).toEqual(expected);
  });

  it('is NaN, from no run, when no run gave a number', () => {
    expect(spread([Number.NaN])).toEqual({ median: NaN, min: NaN, max: NaN, runs: 0 });
    expect(spread([])).toEqual({ median: NaN, min: NaN, max: NaN, runs: 0 });
  });

  it('leaves its input in order', () => {
    const values = [3, 1, 2];
    spread(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('nearest-rank percentile', () => {
  it('takes the sample at the rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(samples, 50), percentile(samples, 99), percentile(samples, 100)]).toEqual([
      50, 99, 100,
    ]);
    expect(percentile([], 50)).toBeNaN();
  });
});
