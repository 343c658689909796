import { BenchUsageError, parseBenchOptions } from './bench-options';

describe('bench options', () => {
  it.each<[string, string[], Record<string, unknown>]>([
    [
      'defaults: the full run of the issue',
      [],
      {
        quick: false,
        runs: 3,
        teams: 200,
        people: 2000,
        days: 365,
        rebuildEvents: 1_000_000,
        dashboardClients: [16, 50],
        record: true,
      },
    ],
    [
      'quick: one run of a small org, nothing recorded',
      ['--quick'],
      { quick: true, runs: 1, teams: 10, record: false },
    ],
    ['runs', ['--runs', '5'], { quick: false, runs: 5 }],
    ['runs in quick mode', ['--quick', '--runs', '2'], { quick: true, runs: 2 }],
    [
      'sizes override the mode',
      ['--quick', '--teams', '30', '--rebuild-events', '50_000'],
      { quick: true, teams: 30, rebuildEvents: 50_000 },
    ],
    ['client levels as a list', ['--dashboard-clients', '4,8'], { dashboardClients: [4, 8] }],
    [
      'profile folder and no record',
      ['--profile', '/tmp/p', '--no-record'],
      { profileDir: '/tmp/p', record: false },
    ],
  ])('%s', (_case, args, expected) => {
    expect(parseBenchOptions(args)).toMatchObject(expected);
  });

  it.each<[string[], RegExp]>([
    [['--teams'], /--teams needs a value/],
    [['--teams', '0'], /--teams must be a positive integer, got "0"/],
    [['--runs', '0'], /--runs must be a positive integer, got "0"/],
    [['--runs', '1.5'], /--runs must be a positive integer, got "1.5"/],
    [['--runs'], /--runs needs a value/],
    [['--days', 'many'], /--days must be a positive integer, got "many"/],
    [['--dashboard-clients', '4,x'], /--dashboard-clients must be a positive integer, got "x"/],
    [['--fast'], /unknown option --fast/],
  ])('refuses %j', (args, message) => {
    expect(() => parseBenchOptions(args)).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(args)).toThrow(message);
  });
});
