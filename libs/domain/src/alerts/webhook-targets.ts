/**
 * Where an outbound webhook may connect: only to globally routable addresses, unless an operator's
 * allow-list (CIDRs) says otherwise. Pure: the name lookup is passed in, so the API (at registration)
 * and the alerter (at every delivery, connecting to the address checked) apply the same rule.
 */

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export type IpBytes = readonly number[];

export interface Cidr {
  readonly text: string;
  readonly bytes: IpBytes;
  readonly prefix: number;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

export type TargetCheck =
  { ok: true; hostname: string; addresses: ResolvedAddress[] } | { ok: false; reason: string };

export function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

export function parseIpv6(raw: string): IpBytes | undefined {
  const text = raw.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<number>(Math.max(0, missing)).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

export const parseIp = (text: string): IpBytes | undefined => parseIpv4(text) ?? parseIpv6(text);

const formatIp = (bytes: IpBytes): string =>
  bytes.length === 4
    ? bytes.join('.')
    : Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16)).join(':');

/** "10.0.0.0/8", "fd00::/8", or a bare address (one host). */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  const bytes = parseIp(address);
  if (!bytes || extra !== undefined) return undefined;
  const bits = bytes.length * 8;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  return prefix <= bits ? { text: `${formatIp(bytes)}/${prefix}`, bytes, prefix } : undefined;
}

/** A comma-separated list of CIDRs; empty means none. undefined when any entry is not a CIDR. */
export function parseCidrList(raw: string): Cidr[] | undefined {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  const cidrs = entries.map(parseCidr);
  return cidrs.every((c) => c !== undefined) ? cidrs : undefined;
}

export function inCidr(bytes: IpBytes, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  for (let bit = 0; bit < cidr.prefix; bit += 8) {
    const take = Math.min(8, cidr.prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (cidr.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

export type AddressKind =
  | 'global'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking';

const range = (text: string, kind: AddressKind): [Cidr, AddressKind] => [parseCidr(text) as Cidr, kind];

const V4_RANGES = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'documentation'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const V6_RANGES = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::/8', 'reserved'), // IPv4-compatible and other legacy forms; mapped ones are unwrapped first
  range('64:ff9b:1::/48', 'private'),
  range('100::/64', 'reserved'),
  range('2001::/23', 'reserved'), // Teredo, ORCHID and other protocol assignments
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'reserved'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private'), // site-local, deprecated but still routed inside sites
  range('ff00::/8', 'multicast'),
];

const MAPPED = parseCidr('::ffff:0:0/96') as Cidr;
const NAT64 = parseCidr('64:ff9b::/96') as Cidr;
const SIX_TO_FOUR = parseCidr('2002::/16') as Cidr;

/** The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), if any. */
export function embeddedIpv4(bytes: IpBytes): IpBytes | undefined {
  if (bytes.length !== 16) return undefined;
  if (inCidr(bytes, MAPPED) || inCidr(bytes, NAT64)) return bytes.slice(12);
  if (inCidr(bytes, SIX_TO_FOUR)) return bytes.slice(2, 6);
  return undefined;
}

export function addressKind(bytes: IpBytes): AddressKind {
  const v4 = embeddedIpv4(bytes);
  if (v4) return addressKind(v4);
  const ranges = bytes.length === 4 ? V4_RANGES : V6_RANGES;
  let found: [Cidr, AddressKind] | undefined;
  for (const entry of ranges)
    if (inCidr(bytes, entry[0]) && (!found || entry[0].prefix > found[0].prefix)) found = entry;
  return found?.[1] ?? 'global';
}

const LOCALHOST = /(^|\.)localhost\.?$/i;

/** The outbound rule: global addresses, plus whatever the operator's allow-list names. */
export class WebhookTargetPolicy {
  constructor(readonly allow: readonly Cidr[] = []) {}

  /** Why an address may not be reached ("a private address"), or undefined when it may. */
  refusal(address: string): string | undefined {
    const bytes = parseIp(address);
    if (!bytes) return 'not an IP address';
    const v4 = bytes.length === 16 && inCidr(bytes, MAPPED) ? bytes.slice(12) : undefined;
    if (this.allow.some((c) => inCidr(bytes, c) || (v4 !== undefined && inCidr(v4, c)))) return undefined;
    const kind = addressKind(bytes);
    if (kind === 'global') return undefined;
    return `${kind === 'unspecified' ? 'an' : 'a'} ${kind} address`;
  }

  /**
   * Resolves the URL's host and checks every address it has: one refused address refuses the URL
   * (a name must not be half inside the private network). The caller connects only to `addresses`.
   */
  async check(url: URL, lookup: LookupAll): Promise<TargetCheck> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { ok: false, reason: 'only http and https URLs are allowed' };
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = parseIp(hostname);
    if (!literal && LOCALHOST.test(hostname)) return { ok: false, reason: `${hostname} is a loopback name` };
    let addresses: ResolvedAddress[];
    if (literal) addresses = [{ address: hostname, family: literal.length === 4 ? 4 : 6 }];
    else {
      try {
        addresses = await lookup(hostname);
      } catch (error) {
        return { ok: false, reason: `${hostname} does not resolve (${describe(error)})` };
      }
      if (addresses.length === 0) return { ok: false, reason: `${hostname} does not resolve` };
    }
    for (const { address } of addresses) {
      const refused = this.refusal(address);
      if (refused)
        return {
          ok: false,
          reason: literal ? `${address} is ${refused}` : `${hostname} resolves to ${address}, ${refused}`,
        };
    }
    return { ok: true, hostname, addresses };
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);

/**
 * The operator's allow-list, read by the API (registration) and the alerter (delivery) alike; shaped
 * as an environment variable of libs/platform's loadEnv.
 */
export const webhookAllowCidrsVariable = {
  expected: 'a comma-separated list of CIDRs such as 127.0.0.0/8,fd00::/8 (empty: none)',
  defaultValue: '',
  parse: parseCidrList,
};
