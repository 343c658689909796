/* eslint-disable @typescript-eslint/no-explicit-any -- vendor payloads are untyped JSON, changed field by field as the vendors document them */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './test-environment';

export type VendorKind = 'GITHUB' | 'JIRA' | 'SLACK' | 'LINEAR';

/** A payload fixture as a vendor documents it (test/fixtures/vendors, sources in its README). */
export const vendorFixture = (name: string): string =>
  readFileSync(join(repoRoot, 'test', 'fixtures', 'vendors', name), 'utf8');

/** A JSON fixture with documented fields changed: `change` edits the parsed payload in place. */
export function vendorJson(
  name: string,
  change: (payload: Record<string, any>) => void = () => undefined,
): string {
  const payload = JSON.parse(vendorFixture(name)) as Record<string, any>;
  change(payload);
  return JSON.stringify(payload);
}

export interface VendorRequest {
  headers: Record<string, string>;
  body: string;
}

const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text, 'utf8').digest('hex');

/** Signs a body exactly as the vendor does (contract §9), with the headers the vendor sends. */
export function signAsVendor(
  kind: VendorKind,
  secret: string,
  body: string,
  options: { event?: string; deliveryId?: string; slackTimestamp?: number } = {},
): VendorRequest {
  switch (kind) {
    case 'GITHUB':
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': options.event ?? 'deployment_status',
          'x-github-delivery': options.deliveryId ?? '72d3162e-cc78-11e3-81ab-4c9367dc0958',
          'x-hub-signature-256': `sha256=${hmac(secret, body)}`,
        },
      };
    case 'JIRA':
      return {
        body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-atlassian-webhook-identifier': options.deliveryId ?? '1563',
          'x-hub-signature': `sha256=${hmac(secret, body)}`,
        },
      };
    case 'LINEAR':
      return {
        body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'linear-delivery': options.deliveryId ?? '234d1a4e-b617-4388-90fe-adc3633d6b72',
          'linear-event': 'Issue',
          'linear-signature': hmac(secret, body),
        },
      };
    case 'SLACK': {
      const timestamp = String(options.slackTimestamp ?? Math.floor(Date.now() / 1000));
      return {
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': `v0=${hmac(secret, `v0:${timestamp}:${body}`)}`,
        },
      };
    }
  }
}

/** A Slack slash command (the fixture) with other text and trigger_id. */
export function slackCommand(text: string, triggerId: string, channelId = 'C2147483705'): string {
  const form = new URLSearchParams(vendorFixture('slack.slash-command.form'));
  form.set('text', text);
  form.set('trigger_id', triggerId);
  form.set('channel_id', channelId);
  return form.toString();
}

/** Posts a vendor's request to an integration's receiver on the ingest app. */
export async function postToReceiver(
  ingestUrl: string,
  receiverPath: string,
  request: VendorRequest,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${ingestUrl}${receiverPath}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}
