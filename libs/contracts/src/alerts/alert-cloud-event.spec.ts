import { CloudEvent } from 'cloudevents';
import type { AlertChanged } from './alert-changed';
import { alertChangeOf, toAlertCloudEvent } from './alert-cloud-event';

const raised: AlertChanged = {
  type: 'alert.raised',
  version: 1,
  alert: {
    id: 'a1',
    orgId: 'o1',
    rule: 'TEAM_IDLE',
    subjectId: 'core',
    status: 'OPEN',
    raisedAt: '2026-01-05T00:00:00.000Z',
    resolvedAt: null,
    figures: { idlePersonDays: 18 },
  },
};
const resolved: AlertChanged = {
  type: 'alert.resolved',
  version: 1,
  alert: { ...raised.alert, status: 'RESOLVED', resolvedAt: '2026-01-06T12:00:00.000Z' },
};

describe('alert changes as CloudEvents', () => {
  it.each<[string, AlertChanged, string, string, string]>([
    // [given, the change, then: id, type, time]
    ['a raise', raised, 'a1:raised', 'orgpulse.alert.raised', '2026-01-05T00:00:00.000Z'],
    ['a resolution', resolved, 'a1:resolved', 'orgpulse.alert.resolved', '2026-01-06T12:00:00.000Z'],
  ])(
    'given %s, the id names the change and the time is when it happened',
    (_given, change, id, type, time) => {
      expect(toAlertCloudEvent(change)).toEqual({
        specversion: '1.0',
        id,
        type,
        source: '/orgs/o1/alerts',
        subject: 'core',
        time,
        datacontenttype: 'application/json',
        data: change,
      });
    },
  );

  it('are valid for the official CloudEvents SDK (strict validation)', () => {
    const event = new CloudEvent({ ...toAlertCloudEvent(raised) }, true);
    expect(event.validate()).toBe(true);
    expect(event.data).toEqual(raised);
  });

  it.each<[string, unknown, AlertChanged | undefined]>([
    ['a CloudEvent', toAlertCloudEvent(resolved), resolved],
    ['a record written before CloudEvents', raised, raised],
    ['a CloudEvent of another specversion', { ...toAlertCloudEvent(raised), specversion: '0.3' }, undefined],
    ['a CloudEvent without data', { ...toAlertCloudEvent(raised), data: undefined }, undefined],
    ['a change of another version', { ...raised, version: 2 }, undefined],
    ['an alert without id', { ...raised, alert: { ...raised.alert, id: '' } }, undefined],
    ['not an object', 'x', undefined],
  ])('are read back from %s', (_given, record, change) => {
    expect(alertChangeOf(record)).toEqual(change);
  });
});
