import { createHmac } from 'node:crypto';
import { type AlertChanged, toAlertCloudEvent } from '@orgpulse/contracts';
import { retryDelayMs, signature, webhookBody, webhookContentType } from './webhook-request';

const change: AlertChanged = {
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

describe('webhook deliveries', () => {
  it('are signed sha256=<hex HMAC of the raw body with the secret>', () => {
    const body = webhookBody(change, 'json');
    expect(signature(body, 'secret')).toBe(
      `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`,
    );
    expect(JSON.parse(body)).toEqual(toAlertCloudEvent(change));
  });

  it('in JSON format are the change as a structured CloudEvent, the change itself in data', () => {
    expect(webhookContentType('json')).toBe('application/cloudevents+json');
    expect(JSON.parse(webhookBody(change, 'json'))).toEqual({
      specversion: '1.0',
      id: 'a1:raised',
      type: 'orgpulse.alert.raised',
      source: '/orgs/o1/alerts',
      subject: 'core',
      time: '2026-01-05T00:00:00.000Z',
      datacontenttype: 'application/json',
      data: change,
    });
  });

  it('can be Slack-compatible, with the change beside the text', () => {
    expect(webhookContentType('slack')).toBe('application/json');
    expect(JSON.parse(webhookBody(change, 'slack'))).toEqual({
      text: ':rotating_light: raised: TEAM_IDLE for core',
      orgpulse: change,
    });
  });

  it.each([
    [0, 0, 500],
    [0, 1, 1000],
    [3, 0, 4000],
    [3, 1, 8000],
    [30, 1, 300_000],
  ])('back off exponentially with jitter: attempt %i, random %d → %i ms', (attempt, random, expected) => {
    expect(retryDelayMs(attempt, 1000, 300_000, () => random)).toBe(expected);
  });

  it.each([12, 100, 10_000])('never give up: attempt %i still has a next one, within the cap', (attempt) => {
    const delay = retryDelayMs(attempt, 1000, 300_000, () => 1);
    expect(delay).toBe(300_000);
    expect(Number.isFinite(retryDelayMs(attempt, 1000, 300_000))).toBe(true);
  });
});
