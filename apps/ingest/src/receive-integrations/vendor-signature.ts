import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IntegrationKind } from '@orgpulse/persistence';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Slack's replay window: a request whose timestamp is further from now is refused. */
export const SLACK_REPLAY_WINDOW_MS = 5 * 60_000;
/** Linear's replay window, on the body's webhookTimestamp. */
export const LINEAR_REPLAY_WINDOW_MS = 60_000;

export type Verification = { ok: true } | { ok: false; reason: string };

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const hmacHex = (secret: string, ...parts: (string | Buffer)[]): Buffer => {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
};

/** Compares a hex signature with the expected digest in constant time (length is not secret). */
function matches(expected: Buffer, givenHex: string | undefined): boolean {
  if (givenHex === undefined || !/^[0-9a-fA-F]{64}$/.test(givenHex)) return false;
  return timingSafeEqual(expected, Buffer.from(givenHex, 'hex'));
}

const withPrefix = (value: string | undefined, prefix: string) =>
  value?.startsWith(prefix) ? value.slice(prefix.length) : undefined;

/**
 * Checks the vendor's signature over the exact bytes received (contract §9), and its replay window,
 * before anything in the body is trusted or even parsed (Linear's timestamp is read once verified).
 */
export function verifyVendorSignature(
  kind: IntegrationKind,
  secret: string,
  headers: Headers,
  body: Buffer,
  nowMs: number,
): Verification {
  const bad = { ok: false, reason: 'bad or missing signature' } as const;
  switch (kind) {
    case 'GITHUB':
      return matches(hmacHex(secret, body), withPrefix(header(headers, 'x-hub-signature-256'), 'sha256='))
        ? { ok: true }
        : bad;
    case 'JIRA':
      return matches(hmacHex(secret, body), withPrefix(header(headers, 'x-hub-signature'), 'sha256='))
        ? { ok: true }
        : bad;
    case 'SLACK': {
      const timestamp = header(headers, 'x-slack-request-timestamp') ?? '';
      if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing X-Slack-Request-Timestamp' };
      const expected = hmacHex(secret, `v0:${timestamp}:`, body);
      if (!matches(expected, withPrefix(header(headers, 'x-slack-signature'), 'v0='))) return bad;
      if (Math.abs(nowMs - Number(timestamp) * 1000) > SLACK_REPLAY_WINDOW_MS)
        return { ok: false, reason: 'stale X-Slack-Request-Timestamp (more than 5 minutes from now)' };
      return { ok: true };
    }
    case 'LINEAR': {
      if (!matches(hmacHex(secret, body), header(headers, 'linear-signature'))) return bad;
      const timestamp = linearTimestamp(body);
      if (timestamp === undefined) return { ok: false, reason: 'missing webhookTimestamp' };
      if (Math.abs(nowMs - timestamp) > LINEAR_REPLAY_WINDOW_MS)
        return { ok: false, reason: 'stale webhookTimestamp (more than 60 s from now)' };
      return { ok: true };
    }
  }
}

function linearTimestamp(body: Buffer): number | undefined {
  try {
    const value = (JSON.parse(body.toString('utf8')) as { webhookTimestamp?: unknown }).webhookTimestamp;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
