import { type LookupAll, WebhookTargetPolicy, parseCidrList } from '@orgpulse/domain';
import { webhookRegistrationProblem } from './webhook-registration';

const SECRET = 'a-secret-of-16-chars';
const hosts: LookupAll = (host) =>
  host === 'hooks.example.com'
    ? Promise.resolve([{ address: '93.184.216.34', family: 4 }])
    : host === 'metadata.internal'
      ? Promise.resolve([{ address: '169.254.169.254', family: 4 }])
      : host === 'slow.example.com'
        ? new Promise(() => undefined)
        : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
const problem = (url: string, policy = new WebhookTargetPolicy(), secret = SECRET) =>
  webhookRegistrationProblem(url, secret, policy, hosts);

describe('registering a webhook', () => {
  it('accepts a public https receiver', async () => {
    expect(await problem('https://hooks.example.com/orgpulse?k=1')).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:5432/', 'url is not reachable from orgpulse: 127.0.0.1 is a loopback address'],
    [
      'http://169.254.169.254/latest/meta-data/',
      'url is not reachable from orgpulse: 169.254.169.254 is a link-local address',
    ],
    [
      'http://metadata.internal/',
      'url is not reachable from orgpulse: metadata.internal resolves to 169.254.169.254, a link-local address',
    ],
    ['http://localhost./', 'url is not reachable from orgpulse: localhost. is a loopback name'],
    [
      'http://nowhere.example.com/',
      'url is not reachable from orgpulse: nowhere.example.com does not resolve (ENOTFOUND)',
    ],
    ['file:///etc/passwd', 'url must be an http(s) URL'],
    ['not a url', 'url must be an absolute http(s) URL'],
    ['https://user:pw@hooks.example.com/', 'url must not carry credentials'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, 'url must be at most 2048 characters'],
  ])('refuses %s', async (url, expected) => expect(await problem(url)).toBe(expected));

  it('refuses a short secret before looking anything up', async () => {
    expect(await problem('https://hooks.example.com/', new WebhookTargetPolicy(), 'short')).toBe(
      'secret must be 16 to 256 characters',
    );
  });

  it('lets the operator allow-list through', async () => {
    expect(
      await problem('http://127.0.0.1:5432/', new WebhookTargetPolicy(parseCidrList('127.0.0.0/8'))),
    ).toBeUndefined();
  });

  it('gives up on a name that does not resolve in time', async () => {
    jest.useFakeTimers();
    try {
      const pending = problem('https://slow.example.com/');
      await jest.advanceTimersByTimeAsync(5_000);
      expect(await pending).toBe(
        'url is not reachable from orgpulse: slow.example.com does not resolve (no answer within 5000 ms)',
      );
    } finally {
      jest.useRealTimers();
    }
  });
});
