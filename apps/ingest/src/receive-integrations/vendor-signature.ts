import { LinearWebhookClient } from '@linear/sdk/webhooks';
import type { IntegrationKind } from '@orgpulse/persistence';
// Bolt's request check alone: its package entry would load the whole Slack app framework.
import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Slack's replay window: a request whose timestamp is further from now is refused. */
export const SLACK_REPLAY_WINDOW_MS = 5 * 60_000;
/** Linear's replay window, on the body's webhookTimestamp (the Linear SDK's own check). */
export const LINEAR_REPLAY_WINDOW_MS = 60_000;

export type Verification = { ok: true } | { ok: false; reason: string };

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

// Vendors sign UTF-8 text; the helpers take it as a string, which must re-encode to the bytes received.
const utf8 = new TextDecoder('utf-8', { fatal: true });
const asText = (body: Buffer): string | undefined => {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
};

const BAD = { ok: false, reason: 'bad or missing signature' } as const;

// Octokit's package is an ES module with an `import` condition only: loaded once, on first use.
let octokit: Promise<typeof import('@octokit/webhooks-methods')> | undefined;
const octokitMethods = () => (octokit ??= import('@octokit/webhooks-methods'));

/** GitHub's `sha256=<hex>` over the body, checked by Octokit's helper; Jira Cloud signs the same way. */
async function hubSignature(
  secret: string,
  body: Buffer,
  signature: string | undefined,
): Promise<Verification> {
  const text = asText(body);
  if (text === undefined || text === '' || signature === undefined) return BAD;
  const { verify } = await octokitMethods();
  return (await verify(secret, text, signature)) ? { ok: true } : BAD;
}

function slackSignature(secret: string, headers: Headers, body: Buffer, nowMs: number): Verification {
  const timestamp = header(headers, 'x-slack-request-timestamp') ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing X-Slack-Request-Timestamp' };
  // Bolt refuses old timestamps; one from the future is as much a replay risk
  if (Number(timestamp) * 1000 - nowMs > SLACK_REPLAY_WINDOW_MS)
    return { ok: false, reason: 'X-Slack-Request-Timestamp more than 5 minutes ahead of now' };
  const text = asText(body);
  const signature = header(headers, 'x-slack-signature');
  if (text === undefined || signature === undefined) return BAD;
  const valid = isValidSlackRequest({
    signingSecret: secret,
    body: text,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    nowMilliseconds: nowMs,
  });
  return valid ? { ok: true } : { ok: false, reason: 'bad signature, or a timestamp over 5 minutes old' };
}

function linearSignature(secret: string, headers: Headers, body: Buffer): Verification {
  const signature = header(headers, 'linear-signature');
  if (signature === undefined) return BAD;
  try {
    // the signature over the raw bytes, then the signed body's webhookTimestamp within 60 s of now
    new LinearWebhookClient(secret).verify(body, signature);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * Checks the vendor's signature over the exact bytes received (contract §9), and its replay window,
 * before anything in the body is trusted, with the vendors' own helpers: Octokit's for GitHub (and
 * Jira, which signs as GitHub does), Bolt's for Slack, the Linear SDK's for Linear.
 */
export async function verifyVendorSignature(
  kind: IntegrationKind,
  secret: string,
  headers: Headers,
  body: Buffer,
  nowMs: number,
): Promise<Verification> {
  switch (kind) {
    case 'GITHUB':
      return hubSignature(secret, body, header(headers, 'x-hub-signature-256'));
    case 'JIRA':
      return hubSignature(secret, body, header(headers, 'x-hub-signature'));
    case 'SLACK':
      return slackSignature(secret, headers, body, nowMs);
    case 'LINEAR':
      return linearSignature(secret, headers, body);
  }
}
