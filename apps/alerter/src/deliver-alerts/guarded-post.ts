import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { LookupAll, ResolvedAddress, WebhookTargetPolicy } from '@orgpulse/domain';

export class PostFailed extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface GuardedPostOptions {
  policy: WebhookTargetPolicy;
  /** the whole request: lookup, connect, the status line and headers */
  timeoutMs: number;
  lookup?: LookupAll;
  /** aborts the request early: the alerter is stopping */
  stop?: AbortSignal;
}

export const systemLookup: LookupAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** Connects to the addresses that were checked, never to what a second lookup might answer. */
const pinnedLookup =
  (addresses: ResolvedAddress[]): LookupFunction =>
  (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  };

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * POSTs to a webhook only if every address of its host may be reached (checked now: DNS can change
 * since registration), connecting to exactly those addresses. Redirects are not followed, and only
 * the status line and headers are read (Node caps them at 16 KiB), all within one deadline.
 * Resolves with a 2xx status; anything else is a PostFailed.
 */
export async function guardedPost(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: GuardedPostOptions,
): Promise<number> {
  const url = new URL(rawUrl);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.stop ? AbortSignal.any([deadline, options.stop]) : deadline;
  const cutShort = () =>
    options.stop?.aborted
      ? new PostFailed('the alerter stopped before an answer', null)
      : new PostFailed(`no answer within ${options.timeoutMs} ms`, null);
  let target;
  try {
    target = await abortable(options.policy.check(url, options.lookup ?? systemLookup), signal);
  } catch {
    throw cutShort();
  }
  if (!target.ok) throw new PostFailed(`refused: ${target.reason}`, null);
  const { hostname, addresses } = target;
  const status = await new Promise<number>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      {
        hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        agent: false,
        maxHeaderSize: 16_384,
        signal,
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy(); // the body is not needed: reading none bounds what a receiver can make us hold
      },
    );
    request.on('error', (error) =>
      reject(signal.aborted ? cutShort() : new PostFailed(`request failed: ${error.message}`, null)),
    );
    request.end(body);
  });
  if (status >= 300 && status < 400)
    throw new PostFailed(`receiver answered ${status}; redirects are not followed`, status);
  if (status < 200 || status >= 300) throw new PostFailed(`receiver answered ${status}`, status);
  return status;
}
