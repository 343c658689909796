import { DEFAULT_ORG_SETTINGS, ORG_SETTINGS, settingsChangeProblems, settingsChanges } from './org-settings';

describe('org settings', () => {
  it('has every default within its own range', () => {
    for (const [name, spec] of Object.entries(ORG_SETTINGS)) {
      if (spec.kind === 'integer')
        expect([name, spec.min <= spec.defaultValue && spec.defaultValue <= spec.max]).toEqual([name, true]);
      else expect([name, settingsChangeProblems({ [name]: spec.defaultValue })]).toEqual([name, []]);
    }
    expect(DEFAULT_ORG_SETTINGS).toMatchObject({
      discoveryTarget: 1,
      teamIdleHours: 48,
      managerOverloadedReports: 12,
      idleCostPerPersonDay: null,
      currency: 'USD',
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
    ['a price with cents and a currency', { idleCostPerPersonDay: 412.5, currency: 'EUR' }, []],
    ['a price unset', { idleCostPerPersonDay: null }, []],
    [
      'a negative price',
      { idleCostPerPersonDay: -1 },
      ['idleCostPerPersonDay must be a number between 0 and 1000000, or null to unset it'],
    ],
    [
      'a lower-case code',
      { currency: 'eur' },
      ['currency must be an ISO 4217 currency code such as USD or EUR'],
    ],
    [
      'a made-up code',
      { currency: 'XYZ' },
      ['currency must be an ISO 4217 currency code such as USD or EUR'],
    ],
  ])('given %s', (_given, changes, problems) => {
    expect(settingsChangeProblems(changes)).toEqual(problems);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['null unsets an amount', { idleCostPerPersonDay: null }, { idleCostPerPersonDay: null }],
    ['null leaves an integer as it is', { teamIdleHours: null, discoveryTarget: 2 }, { discoveryTarget: 2 }],
    ['null leaves the currency as it is', { currency: null }, {}],
  ])('%s', (_given, input, changes) => {
    expect(settingsChanges(input)).toEqual(changes);
  });
});
