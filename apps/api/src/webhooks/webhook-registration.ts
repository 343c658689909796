import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAll, WebhookTargetPolicy } from '@orgpulse/domain';
import { storableTextProblem } from '../graphql/input-values';

/** Webhooks an org may have at once: each costs a send per alert change. */
export const MAX_WEBHOOKS_PER_ORG = 10;
/** How long registration waits for the name of a webhook's host to resolve. */
export const REGISTRATION_LOOKUP_TIMEOUT_MS = 5_000;

export const systemLookup: LookupAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

const withTimeout =
  (lookup: LookupAll, ms: number): LookupAll =>
  (hostname) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      lookup(hostname)
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });

/**
 * What is wrong with a webhook an admin registers, or undefined. The alerter checks the address
 * again at every delivery (DNS can change); this refuses the obvious at once, with the reason.
 */
export async function webhookRegistrationProblem(
  url: string,
  secret: string,
  policy: WebhookTargetPolicy,
  lookup: LookupAll = systemLookup,
): Promise<string | undefined> {
  if (url.length > 2048) return 'url must be at most 2048 characters';
  const text = storableTextProblem('url', url) ?? storableTextProblem('secret', secret);
  if (text !== undefined) return text;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) return 'url must be an http(s) URL';
  if (parsed.username !== '' || parsed.password !== '') return 'url must not carry credentials';
  if (secret.length < 16 || secret.length > 256) return 'secret must be 16 to 256 characters';
  const target = await policy.check(parsed, withTimeout(lookup, REGISTRATION_LOOKUP_TIMEOUT_MS));
  return target.ok ? undefined : `url is not reachable from orgpulse: ${target.reason}`;
}
