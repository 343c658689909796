import { createHmac } from 'node:crypto';
import { type AlertChanged, CLOUDEVENTS_JSON, toAlertCloudEvent } from '@orgpulse/contracts';

export const SIGNATURE_HEADER = 'X-Orgpulse-Signature';

export const signature = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** The body a webhook receives: the alert change as a CloudEvent (structured mode), or a Slack-compatible message. */
export function webhookBody(change: AlertChanged, format: 'json' | 'slack'): string {
  if (format === 'json') return JSON.stringify(toAlertCloudEvent(change));
  const { alert } = change;
  const verb = change.type === 'alert.raised' ? ':rotating_light: raised' : ':white_check_mark: resolved';
  return JSON.stringify({
    text: `${verb}: ${alert.rule} for ${alert.subjectId}`,
    orgpulse: change,
  });
}

export const webhookContentType = (format: 'json' | 'slack'): string =>
  format === 'json' ? CLOUDEVENTS_JSON : 'application/json';

/**
 * Exponential backoff with jitter between half and all of the step; the step stops growing at the
 * cap, and there is no last attempt: every channel retries until delivered (at least once, §6).
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 40));
  return Math.round(step / 2 + (random() * step) / 2);
}
