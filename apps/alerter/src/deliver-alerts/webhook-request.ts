import { createHmac } from 'node:crypto';
import type { AlertChanged } from '@orgpulse/contracts';

export const SIGNATURE_HEADER = 'X-Orgpulse-Signature';

export const signature = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** The body a webhook receives: the alert change itself, or a Slack-compatible message. */
export function webhookBody(change: AlertChanged, format: 'json' | 'slack'): string {
  if (format === 'json') return JSON.stringify(change);
  const { alert } = change;
  const verb = change.type === 'alert.raised' ? ':rotating_light: raised' : ':white_check_mark: resolved';
  return JSON.stringify({
    text: `${verb}: ${alert.rule} for ${alert.subjectId}`,
    orgpulse: change,
  });
}

/** Exponential backoff with full jitter between half and all of the step, capped at one hour. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const step = Math.min(3_600_000, baseMs * 2 ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}
