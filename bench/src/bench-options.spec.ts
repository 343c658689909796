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
        large: { teams: 20_000, groups: 5_000, people: 200_000, events: 2_000_000 },
        historySubjects: 20,
        historyEvents: 5_000,
        record: true,
      },
    ],
    [
      'quick: one run of a small org, a small large org and a short history, nothing recorded',
      ['--quick'],
      {
        quick: true,
        runs: 1,
        teams: 10,
        large: { teams: 300, groups: 60, people: 3_000, events: 30_000 },
        historySubjects: 4,
        historyEvents: 300,
        record: false,
      },
    ],
    [
      "E6's org, each size on its own",
      ['--large-teams', '2_000', '--large-people', '20000', '--large-events', '200000'],
      { large: { teams: 2_000, groups: 5_000, people: 20_000, events: 200_000 } },
    ],
    [
      "E6's org in quick mode keeps the sizes not given",
      ['--quick', '--large-groups', '10'],
      { large: { teams: 300, groups: 10, people: 3_000, events: 30_000 } },
    ],
    [
      "E7's history",
      ['--history-subjects', '50', '--history-events', '20_000'],
      { historySubjects: 50, historyEvents: 20_000 },
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
    [['constructor', '1'], /unknown option constructor/],
    [['--large-teams', '-5'], /--large-teams must be a positive integer, got "-5"/],
    [['--large-events', '1e6'], /--large-events must be a positive integer, got "1e6"/],
    [['--history-events', '0'], /--history-events must be a positive integer, got "0"/],
    [
      ['--large-teams', '3000', '--large-people', '10000'],
      /E6's org: people must be at least 11000 \(a leader per group, a PM and a manager per team\)/,
    ],
    [['--quick', '--large-events', '1000'], /E6's org: events must be more than 3\d{3} \(registrations/],
  ])('refuses %j', (args, message) => {
    expect(() => parseBenchOptions(args)).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(args)).toThrow(message);
  });
});
