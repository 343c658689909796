import {
  type LookupAll,
  WebhookTargetPolicy,
  addressKind,
  parseCidr,
  parseCidrList,
  parseIp,
  parseIpv6,
} from './webhook-targets';

const kindOf = (address: string) => {
  const bytes = parseIp(address);
  if (!bytes) throw new Error(`not an address: ${address}`);
  return addressKind(bytes);
};
const strict = new WebhookTargetPolicy();
const lookupFrom =
  (table: Record<string, string[]>): LookupAll =>
  (host) => {
    const found = table[host];
    if (!found) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };

describe('address classification: IPv4', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.2.10', 'documentation'],
    ['8.8.8.8', 'global'],
    ['172.32.0.1', 'global'],
    ['93.184.216.34', 'global'],
  ])('%s is %s', (address, kind) => expect(kindOf(address)).toBe(kind));
});

describe('address classification: IPv6', () => {
  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'private'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['2606:4700:4700::1111', 'global'],
    ['2a00:1450:4001:81a::200e', 'global'],
  ])('%s is %s', (address, kind) => expect(kindOf(address)).toBe(kind));

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    ['::ffff:8.8.8.8', 'global'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::808:808', 'global'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:808:808::1', 'global'],
  ])('an IPv4 address in IPv6 form is judged as that IPv4 address: %s is %s', (address, kind) =>
    expect(kindOf(address)).toBe(kind),
  );

  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::', '1:2:3:4:5:6:7', '::ffff:1.2.3', ':::'])(
    'refuses to parse %s',
    (text) => expect(parseIpv6(text)).toBeUndefined(),
  );

  it('parses the bracketed form of URLs and drops a zone', () => {
    expect(parseIpv6('[::1]')).toEqual(parseIpv6('0:0:0:0:0:0:0:1'));
    expect(parseIpv6('fe80::1%eth0')).toEqual(parseIpv6('fe80::1'));
  });
});

describe('CIDR allow-list', () => {
  it('parses comma-separated CIDRs and bare addresses; empty is none', () => {
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList(' 127.0.0.0/8 , fd00::/8,10.0.0.7 ')?.map((c) => c.text)).toEqual([
      '127.0.0.0/8',
      'fd00:0:0:0:0:0:0:0/8',
      '10.0.0.7/32',
    ]);
  });

  it.each([
    '127.0.0.0/33',
    '10.0.0.0/-1',
    'fd00::/129',
    'localhost',
    '10.0.0.0/8/1',
    '10.0.0/8',
    '10.0.0.0/x',
  ])('refuses %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
    expect(parseCidrList(`127.0.0.0/8,${text}`)).toBeUndefined();
  });

  it('lets the listed ranges through, nothing else', () => {
    const policy = new WebhookTargetPolicy(parseCidrList('127.0.0.0/8, fd00:1::/32'));
    expect(policy.refusal('127.0.0.1')).toBeUndefined();
    expect(policy.refusal('127.9.9.9')).toBeUndefined();
    expect(policy.refusal('fd00:1::5')).toBeUndefined();
    expect(policy.refusal('fd00:2::5')).toBe('a unique-local address');
    expect(policy.refusal('10.0.0.1')).toBe('a private address');
    expect(policy.refusal('::1')).toBe('a loopback address');
  });

  it('an IPv4 range also admits its IPv4-mapped IPv6 form', () => {
    const policy = new WebhookTargetPolicy(parseCidrList('127.0.0.1/32'));
    expect(policy.refusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(policy.refusal('::ffff:127.0.0.2')).toBe('a loopback address');
  });

  it('host bits in a CIDR are ignored: 10.1.2.3/8 is 10.0.0.0/8', () => {
    expect(parseCidr('10.1.2.3/8')?.text).toBe('10.1.2.3/8');
    expect(new WebhookTargetPolicy(parseCidrList('10.1.2.3/8')).refusal('10.200.0.1')).toBeUndefined();
  });

  it('/0 admits every address of its family', () => {
    const policy = new WebhookTargetPolicy(parseCidrList('0.0.0.0/0'));
    expect(policy.refusal('10.0.0.1')).toBeUndefined();
    expect(policy.refusal('::1')).toBe('a loopback address');
  });
});

describe('checking a webhook URL', () => {
  const hosts = lookupFrom({
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
    'internal.example.com': ['10.0.0.5'],
    'split.example.com': ['93.184.216.34', '192.168.0.10'],
    'mapped.example.com': ['::ffff:169.254.169.254'],
    db: ['127.0.0.1'],
  });
  const check = (url: string, policy = strict) => policy.check(new URL(url), hosts);

  it.each([
    ['http://127.0.0.1:5432/', '127.0.0.1 is a loopback address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://[::1]:8080/', '::1 is a loopback address'],
    ['http://10.1.2.3/', '10.1.2.3 is a private address'],
    ['http://0.0.0.0:3000/', '0.0.0.0 is an unspecified address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is a loopback address'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['http://[fd00::1]/', 'fd00::1 is a unique-local address'],
    ['http://localhost:3000/', 'localhost is a loopback name'],
    ['http://localhost./', 'localhost. is a loopback name'],
    ['http://api.LOCALHOST/', 'api.localhost is a loopback name'],
    ['http://db:5432/', 'db resolves to 127.0.0.1, a loopback address'],
    ['http://internal.example.com/', 'internal.example.com resolves to 10.0.0.5, a private address'],
    ['http://split.example.com/', 'split.example.com resolves to 192.168.0.10, a private address'],
    [
      'https://mapped.example.com/',
      'mapped.example.com resolves to ::ffff:169.254.169.254, a link-local address',
    ],
    ['http://nowhere.example.com/', 'nowhere.example.com does not resolve (ENOTFOUND)'],
    ['ftp://hooks.example.com/', 'only http and https URLs are allowed'],
  ])('refuses %s: %s', async (url, reason) => expect(await check(url)).toEqual({ ok: false, reason }));

  it('accepts a public name with every address it resolves to, to connect to exactly those', async () => {
    expect(await check('https://hooks.example.com/orgpulse')).toEqual({
      ok: true,
      hostname: 'hooks.example.com',
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
    expect(await check('http://[2606:4700:4700::1111]:8443/')).toMatchObject({ ok: true });
  });

  it('with an allow-list, reaches the receivers it names', async () => {
    const local = new WebhookTargetPolicy(parseCidrList('127.0.0.0/8'));
    expect(await check('http://127.0.0.1:5432/', local)).toMatchObject({ ok: true });
    expect(await check('http://db:5432/', local)).toMatchObject({ ok: true });
    expect(await check('http://10.1.2.3/', local)).toMatchObject({ ok: false });
    expect(await check('http://localhost:3000/', local)).toMatchObject({ ok: false });
  });
});
