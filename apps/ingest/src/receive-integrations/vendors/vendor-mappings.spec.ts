/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- vendor payloads are untyped JSON, changed field by field as the vendors document them */
import { validateEvents } from '@orgpulse/contracts';
import type { IntegrationOptions, IntegrationRow } from '@orgpulse/persistence';
import { slackCommand, vendorFixture, vendorJson } from '@orgpulse/testing';
import { mapGithub } from './github.mapping';
import { mapJira } from './jira.mapping';
import { mapLinear } from './linear.mapping';
import { mapSlack } from './slack.mapping';
import type { Mapping, VendorDelivery } from './vendor-mapping';

const RECEIVED = new Date('2026-11-20T15:30:00Z');
const integration = (
  kind: IntegrationRow['kind'],
  match: string,
  options: IntegrationOptions = {},
): IntegrationRow => ({
  id: '7b0d1c52-1f5e-4d0e-8f7a-2b4c6d8e0f11',
  orgId: 'c0ffee00-0000-4000-8000-000000000001',
  kind,
  name: kind.toLowerCase(),
  teamMappings: match === '' ? [] : [{ match, teamId: 'payments' }],
  options,
  createdAt: RECEIVED,
});
const delivery = (payload: string, headers: Record<string, string> = {}): VendorDelivery => ({
  headers,
  payload: JSON.parse(payload),
  receivedAt: RECEIVED,
});
const eventsOf = (mapping: Mapping) => {
  if (!('events' in mapping)) throw new Error(`ignored: ${mapping.ignored}`);
  expect(validateEvents(mapping.events, RECEIVED)).toMatchObject({ ok: true });
  return mapping.events;
};

describe('GitHub', () => {
  const github = integration('GITHUB', 'acme/payments-api');
  const deployment = (change: (p: Record<string, any>) => void = () => undefined) =>
    delivery(vendorJson('github.deployment_status.json', change), {
      'x-github-event': 'deployment_status',
      'x-github-delivery': 'd-1',
    });

  it('maps a successful production deployment to delivery.shipped, with ids from GitHub', () => {
    expect(eventsOf(mapGithub(github, deployment()))).toEqual([
      {
        id: 'github:acme/payments-api:deployment_status:209916254',
        type: 'delivery.shipped',
        occurredAt: '2026-11-20T15:20:55.000Z',
        source: 'github',
        data: { teamId: 'payments', release: 'v2.14.0', url: 'https://ci.example.com/deploys/8841' },
      },
    ]);
    expect(mapGithub(github, deployment()).vendorDeliveryId).toBe('d-1');
  });

  it.each<[string, (p: Record<string, any>) => void, IntegrationOptions, string]>([
    // [given, the change to the documented payload, the options, then: ignored with this reason]
    [
      'a staging deployment',
      (p) => (p.deployment_status.environment = 'staging'),
      {},
      'environment staging is not a production environment',
    ],
    [
      'a failed deployment',
      (p) => (p.deployment_status.state = 'failure'),
      {},
      'deployment state failure is not success',
    ],
    ['an unmapped repository', (p) => (p.repository.full_name = 'acme/other'), {}, 'unmapped'],
    [
      'shipSignal RELEASE',
      () => undefined,
      { shipSignal: 'RELEASE' },
      'deployments do not ship: options.shipSignal is RELEASE',
    ],
  ])('ignores %s', (_given, change, options, reason) => {
    expect(mapGithub({ ...github, options }, deployment(change))).toMatchObject({ ignored: reason });
  });

  it('takes the environments named in options.productionEnvironments, and the environment_url without a target_url', () => {
    const mapping = mapGithub(
      { ...github, options: { productionEnvironments: ['prod-eu'] } },
      deployment((p) => {
        p.deployment_status.environment = 'prod-eu';
        p.deployment_status.target_url = '';
        p.deployment_status.environment_url = 'https://eu.example.com';
      }),
    );
    expect(eventsOf(mapping)[0].data).toEqual({
      teamId: 'payments',
      release: 'v2.14.0',
      url: 'https://eu.example.com',
    });
  });

  const release = (options: IntegrationOptions, change: (p: Record<string, any>) => void = () => undefined) =>
    mapGithub(
      { ...github, options },
      delivery(vendorJson('github.release.published.json', change), { 'x-github-event': 'release' }),
    );

  it('maps a published release to delivery.shipped with shipSignal RELEASE', () => {
    expect(eventsOf(release({ shipSignal: 'RELEASE' }))).toEqual([
      {
        id: 'github:acme/payments-api:release:17372790',
        type: 'delivery.shipped',
        occurredAt: '2026-11-20T15:20:53.000Z',
        source: 'github',
        data: {
          teamId: 'payments',
          release: 'v2.14.0',
          url: 'https://github.com/acme/payments-api/releases/tag/v2.14.0',
        },
      },
    ]);
  });

  it.each<[string, IntegrationOptions, (p: Record<string, any>) => void, string]>([
    ['the default shipSignal', {}, () => undefined, 'releases do not ship: options.shipSignal is DEPLOYMENT'],
    ['a prerelease', { shipSignal: 'RELEASE' }, (p) => (p.release.prerelease = true), 'prerelease'],
    ['a draft', { shipSignal: 'RELEASE' }, (p) => (p.release.draft = true), 'draft release'],
    [
      'action created',
      { shipSignal: 'RELEASE' },
      (p) => (p.action = 'created'),
      'release action created is not published',
    ],
  ])('ignores a release with %s', (_given, options, change, reason) => {
    expect(release(options, change)).toMatchObject({ ignored: reason });
  });

  it('answers ping with nothing to record', () => {
    expect(
      mapGithub(github, delivery(vendorFixture('github.ping.json'), { 'x-github-event': 'ping' })),
    ).toEqual({
      ignored: 'ping',
      vendorDeliveryId: undefined,
    });
  });

  it('replaces an id past 128 characters by its digest, stable across deliveries', () => {
    const long = `acme/${'r'.repeat(100)}`;
    const longRepo = { ...github, teamMappings: [{ match: long, teamId: 'payments' }] };
    const ids = [1, 2].map(
      () =>
        eventsOf(
          mapGithub(
            longRepo,
            deployment((p) => (p.repository.full_name = long)),
          ),
        )[0].id,
    );
    expect(ids[0]).toMatch(/^github:sha256:[0-9a-f]{64}$/);
    expect(ids[1]).toBe(ids[0]);
  });
});

describe('Jira', () => {
  const jira = integration('JIRA', 'PAY');
  const headers = { 'x-atlassian-webhook-identifier': '1563' };

  it('maps the flag set on a labelled issue to team.blocked, with reason and blockedBy from labels', () => {
    expect(
      eventsOf(mapJira(jira, delivery(vendorFixture('jira.issue_updated.flagged.json'), headers))),
    ).toEqual([
      {
        id: 'jira:PAY-12:10150',
        type: 'team.blocked',
        occurredAt: '2025-11-20T15:10:55.000Z',
        source: 'jira',
        data: { teamId: 'payments', reason: 'dependency', blockedBy: 'platform', note: 'PAY-12' },
      },
    ]);
  });

  it('maps the flag cleared to team.unblocked', () => {
    expect(
      eventsOf(mapJira(jira, delivery(vendorFixture('jira.issue_updated.flag-cleared.json'), headers))),
    ).toEqual([
      {
        id: 'jira:PAY-12:10163',
        type: 'team.unblocked',
        occurredAt: '2025-11-20T17:10:55.000Z',
        source: 'jira',
        data: { teamId: 'payments', note: 'PAY-12' },
      },
    ]);
  });

  it('maps the issue resolved to team.unblocked', () => {
    const resolved = vendorJson('jira.issue_updated.flag-cleared.json', (p) => {
      p.changelog.items = [
        {
          field: 'resolution',
          fieldtype: 'jira',
          from: null,
          fromString: null,
          to: '10000',
          toString: 'Done',
        },
      ];
    });
    expect(eventsOf(mapJira(jira, delivery(resolved)))[0]).toMatchObject({ type: 'team.unblocked' });
  });

  it.each<[string, (p: Record<string, any>) => void, IntegrationOptions, string | RegExp]>([
    [
      'a reason label that is not a reason',
      (p) => (p.issue.fields.labels = ['team-blocked', 'reason:lunch']),
      {},
      /other/,
    ],
    ['no reason label', (p) => (p.issue.fields.labels = ['team-blocked']), {}, /other/],
  ])('given %s, the reason is other', (_given, change, options) => {
    const events = eventsOf(
      mapJira({ ...jira, options }, delivery(vendorJson('jira.issue_updated.flagged.json', change))),
    );
    expect(events[0].data).toEqual({ teamId: 'payments', reason: 'other', note: 'PAY-12' });
  });

  it.each<[string, (p: Record<string, any>) => void, IntegrationOptions, string]>([
    [
      'an issue without the label',
      (p) => (p.issue.fields.labels = ['reason:dependency']),
      {},
      'the issue is not labelled team-blocked',
    ],
    [
      'another blockedLabel',
      () => undefined,
      { blockedLabel: 'blocker' },
      'the issue is not labelled blocker',
    ],
    ['another project', (p) => (p.issue.fields.project.key = 'OPS'), {}, 'unmapped'],
    [
      'another field changed',
      (p) => (p.changelog.items = [{ field: 'summary', toString: 'x' }]),
      {},
      'neither the flag nor the resolution changed',
    ],
    [
      'another event',
      (p) => (p.webhookEvent = 'jira:issue_created'),
      {},
      'event jira:issue_created is not mapped',
    ],
  ])('ignores %s', (_given, change, options, reason) => {
    expect(
      mapJira({ ...jira, options }, delivery(vendorJson('jira.issue_updated.flagged.json', change))),
    ).toMatchObject({
      ignored: reason,
    });
  });
});

describe('Linear', () => {
  const linear = integration('LINEAR', 'PAY');
  const issue = (change: (p: Record<string, any>) => void = () => undefined) =>
    delivery(vendorJson('linear.issue_update.json', change), { 'linear-delivery': 'l-1' });

  it('maps a move into Blocked on a labelled issue to team.blocked', () => {
    expect(eventsOf(mapLinear(linear, issue()))).toEqual([
      {
        id: 'linear:2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9:state:2026-11-20T15:30:00.000Z',
        type: 'team.blocked',
        occurredAt: '2026-11-20T15:30:00.000Z',
        source: 'linear',
        data: { teamId: 'payments', reason: 'other', note: 'PAY-34' },
      },
    ]);
  });

  it('maps a move out of it to team.unblocked', () => {
    const moved = issue((p) => (p.data.state = { id: 's-2', name: 'In Progress', type: 'started' }));
    expect(eventsOf(mapLinear(linear, moved))[0]).toMatchObject({
      type: 'team.unblocked',
      data: { teamId: 'payments' },
    });
  });

  it('takes the states named in options.blockedStates', () => {
    const waiting = issue((p) => (p.data.state.name = 'Waiting'));
    expect(eventsOf(mapLinear({ ...linear, options: { blockedStates: ['Waiting'] } }, waiting))[0].type).toBe(
      'team.blocked',
    );
  });

  it.each<[string, (p: Record<string, any>) => void, string]>([
    [
      'a change that is not of the state',
      (p) => (p.updatedFrom = { updatedAt: '2026-11-20T14:02:11.000Z', title: 'x' }),
      'the state did not change',
    ],
    ['an issue without the label', (p) => (p.data.labels = []), 'the issue is not labelled team-blocked'],
    ['another team', (p) => (p.data.team.key = 'OPS'), 'unmapped'],
    ['a comment', (p) => (p.type = 'Comment'), 'Comment update is not mapped'],
  ])('ignores %s', (_given, change, reason) => {
    expect(mapLinear(linear, issue(change))).toMatchObject({ ignored: reason });
  });
});

describe('Slack', () => {
  const slack = integration('SLACK', '');
  const command = (text: string, channel?: string, on = slack) =>
    mapSlack(on, {
      headers: { 'x-slack-request-timestamp': String(RECEIVED.getTime() / 1000) },
      payload: Object.fromEntries(
        new URLSearchParams(slackCommand(text, '13345224609.738474920.8088930838d88f008e0', channel)),
      ),
      receivedAt: RECEIVED,
    });
  const base = {
    id: 'slack:13345224609.738474920.8088930838d88f008e0',
    occurredAt: RECEIVED.toISOString(),
    source: 'slack',
  };

  it.each<[string, string, object, string]>([
    // [the command text, then the event type, its data, and what Slack is told]
    [
      'blocked payments dependency by platform',
      'team.blocked',
      { teamId: 'payments', reason: 'dependency', blockedBy: 'platform' },
      'Recorded: payments is blocked (dependency, by platform).',
    ],
    [
      'blocked payments unclear-priorities',
      'team.blocked',
      { teamId: 'payments', reason: 'unclear-priorities' },
      'Recorded: payments is blocked (unclear-priorities).',
    ],
    ['unblocked payments', 'team.unblocked', { teamId: 'payments' }, 'Recorded: payments is unblocked.'],
    [
      'interview payments pm designer',
      'discovery.interview-held',
      { teamId: 'payments', participantRoles: ['pm', 'designer'] },
      'Recorded: an interview by payments with pm, designer.',
    ],
    [
      'interview payments',
      'discovery.interview-held',
      { teamId: 'payments' },
      'Recorded: an interview by payments.',
    ],
    [
      'one-on-one dana sam',
      'one-on-one.held',
      { managerId: 'dana', reportId: 'sam' },
      'Recorded: a 1:1 between dana and sam.',
    ],
    [
      'one-on-one dana sam discovery=3 stakeholders=4',
      'one-on-one.held',
      {
        managerId: 'dana',
        reportId: 'sam',
        ratings: [
          { competency: 'discovery', level: 3 },
          { competency: 'stakeholders', level: 4 },
        ],
      },
      'Recorded: a 1:1 between dana and sam (discovery=3, stakeholders=4).',
    ],
  ])('/orgpulse %s', (text, type, data, said) => {
    const mapping = command(text);
    expect(eventsOf(mapping)).toEqual([{ ...base, type, data }]);
    expect(mapping).toMatchObject({ said });
  });

  it.each([
    ['', 'no command given'],
    ['blocked payments', 'blocked needs a team and a reason'],
    ['blocked payments lunch', 'lunch is not a reason'],
    ['blocked payments dependency from platform', 'after the reason, only `by <teamId>` may follow'],
    ['unblocked', 'unblocked needs exactly one team'],
    ['interview payments ceo', 'ceo is not a role'],
    ['one-on-one dana', 'one-on-one needs a manager and a report'],
    [
      'one-on-one dana sam discovery=6',
      'discovery=6 is not a rating; write competency=level, the level 1 to 5',
    ],
    ['one-on-one dana sam discovery', 'discovery is not a rating'],
    ['one-on-one dana sam =3', '=3 is not a rating'],
    ['shipped payments', 'unknown command shipped'],
  ])('answers the malformed /orgpulse %j with usage help', (text, problem) => {
    const mapping = command(text);
    expect(mapping).toMatchObject({
      ignored: expect.stringContaining(problem),
      help: expect.stringContaining('Usage:'),
    });
  });

  it('takes commands only from mapped channels when teamMappings are given', () => {
    const scoped = integration('SLACK', 'C2147483705');
    expect('events' in command('unblocked payments', 'C2147483705', scoped)).toBe(true);
    expect(command('unblocked payments', 'C999', scoped)).toMatchObject({ ignored: 'unmapped' });
  });
});
