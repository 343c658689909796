import { signAsVendor, vendorFixture, vendorJson } from '@orgpulse/testing';
import { verifyVendorSignature } from './vendor-signature';

const SECRET = 'a-vendor-secret-of-some-length';
const NOW = Date.parse('2026-11-20T15:30:00Z');
const verify = (
  kind: Parameters<typeof verifyVendorSignature>[0],
  headers: Record<string, string>,
  body: string,
  now = NOW,
) => verifyVendorSignature(kind, SECRET, headers, Buffer.from(body), now);

describe('verifying vendor signatures over the raw body (contract §9)', () => {
  // the Linear SDK reads the clock itself
  beforeAll(() =>
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }),
  );
  afterAll(() => jest.useRealTimers());

  const github = vendorFixture('github.deployment_status.json');
  const jira = vendorFixture('jira.issue_updated.flagged.json');
  const slack = vendorFixture('slack.slash-command.form');
  const linear = vendorJson('linear.issue_update.json', (p) => (p.webhookTimestamp = NOW - 5_000));

  it.each([
    ['GITHUB', github],
    ['JIRA', jira],
    ['LINEAR', linear],
  ] as const)('accepts %s signed as the vendor signs', async (kind, body) => {
    await expect(verify(kind, signAsVendor(kind, SECRET, body).headers, body)).resolves.toEqual({ ok: true });
  });

  it('accepts Slack signed as Slack signs, within 5 minutes', async () => {
    const { headers } = signAsVendor('SLACK', SECRET, slack, { slackTimestamp: NOW / 1000 - 299 });
    await expect(verify('SLACK', headers, slack)).resolves.toEqual({ ok: true });
  });

  it.each([
    ['GITHUB', github, 'x-hub-signature-256'],
    ['JIRA', jira, 'x-hub-signature'],
    ['LINEAR', linear, 'linear-signature'],
    ['SLACK', slack, 'x-slack-signature'],
  ] as const)('refuses %s with another secret, a changed body, or no signature', async (kind, body, name) => {
    const slackTimestamp = NOW / 1000;
    const other = signAsVendor(kind, 'another-secret-entirely', body, { slackTimestamp }).headers;
    const signed = signAsVendor(kind, SECRET, body, { slackTimestamp }).headers;
    const { [name]: _dropped, ...unsigned } = signed;
    expect((await verify(kind, other, body)).ok).toBe(false);
    expect((await verify(kind, signed, `${body} `)).ok).toBe(false);
    expect((await verify(kind, unsigned, body)).ok).toBe(false);
  });

  it('refuses a GitHub signature without its sha256= prefix, and one of another length', async () => {
    const { headers } = signAsVendor('GITHUB', SECRET, github);
    const hex = headers['x-hub-signature-256'].slice('sha256='.length);
    expect((await verify('GITHUB', { ...headers, 'x-hub-signature-256': hex }, github)).ok).toBe(false);
    expect(
      (await verify('GITHUB', { ...headers, 'x-hub-signature-256': `sha256=${hex.slice(2)}` }, github)).ok,
    ).toBe(false);
  });

  it.each<[string, number, boolean]>([
    // [given the Slack timestamp's distance from now, then accepted]
    ['4 min 59 s old', -299, true],
    ['5 min 1 s old', -301, false],
    ['5 min 1 s ahead', 301, false],
  ])('given a Slack timestamp %s, it is accepted: %s', async (_given, offsetSeconds, accepted) => {
    const { headers } = signAsVendor('SLACK', SECRET, slack, { slackTimestamp: NOW / 1000 + offsetSeconds });
    expect((await verify('SLACK', headers, slack)).ok).toBe(accepted);
  });

  it.each<[string, number, boolean]>([
    ['59 s old', -59_000, true],
    ['61 s old', -61_000, false],
  ])('given a Linear webhookTimestamp %s, it is accepted: %s', async (_given, offsetMs, accepted) => {
    const body = vendorJson('linear.issue_update.json', (p) => (p.webhookTimestamp = NOW + offsetMs));
    expect((await verify('LINEAR', signAsVendor('LINEAR', SECRET, body).headers, body)).ok).toBe(accepted);
  });
});
