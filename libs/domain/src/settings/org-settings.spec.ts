import { DEFAULT_ORG_SETTINGS, ORG_SETTINGS, settingsChangeProblems } from './org-settings';

describe('org settings', () => {
  it('has every default within its own range', () => {
    for (const [name, spec] of Object.entries(ORG_SETTINGS)) {
      expect([name, spec.min <= spec.defaultValue && spec.defaultValue <= spec.max]).toEqual([name, true]);
    }
    expect(DEFAULT_ORG_SETTINGS).toMatchObject({
      discoveryTarget: 1,
      teamIdleHours: 48,
      managerOverloadedReports: 12,
    });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a change within range', { discoveryTarget: 2, teamIdleHours: 8760 }, []],
    ['unset fields', { discoveryTarget: undefined, teamIdleHours: null }, []],
    ['below the range', { discoveryTarget: 0 }, ['discoveryTarget must be an integer between 1 and 100']],
    [
      'above the range',
      { managerOverloadedReports: 1001 },
      ['managerOverloadedReports must be an integer between 1 and 1000'],
    ],
    [
      'a fraction',
      { oneOnOneIntervalDays: 1.5 },
      ['oneOnOneIntervalDays must be an integer between 1 and 365'],
    ],
    ['an unknown setting', { coffeeCups: 3 }, ['coffeeCups is not a setting']],
  ])('given %s', (_given, changes, problems) => {
    expect(settingsChangeProblems(changes)).toEqual(problems);
  });
});
