import { CLOUDEVENTS_JSON, ORG_HEADER, Topics, toAlertCloudEvent } from '@orgpulse/contracts';
import type { WebhookTargetPolicy } from '@orgpulse/domain';
import { AlertOutbox, type OutboxDelivery } from '@orgpulse/persistence';
import { type Logger, type SecretBox, describeError, traceHeaders } from '@orgpulse/platform';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PostFailed, guardedPost } from './guarded-post';
import {
  SIGNATURE_HEADER,
  retryDelayMs,
  signature,
  webhookBody,
  webhookContentType,
} from './webhook-request';

export interface DeliveryOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  webhookTimeoutMs: number;
  policy: WebhookTargetPolicy;
  /** each attempt's channel, outcome and time (the alerter's /metrics) */
  onAttempt?: (channel: OutboxDelivery['channel'], delivered: boolean, seconds: number) => void;
  /** Opens webhooks' sealed signing secrets (ORGPULSE_SECRETS_KEY, as the API sealed them). */
  secrets: SecretBox;
}

/** How long a send to Kafka may take before it counts as failed (and is retried). */
export const KAFKA_SEND_TIMEOUT_MS = 30_000;

/** Sends claimed deliveries (to the alerts topic in batches, or to a webhook signed with its secret) and records the outcome. */
export class DeliverAlertsHandler {
  private readonly outbox: AlertOutbox;

  constructor(
    db: DataSource,
    private readonly producer: Pick<Producer, 'send'>,
    private readonly options: DeliveryOptions,
    private readonly logger: Logger,
  ) {
    this.outbox = new AlertOutbox(db);
  }

  /** The longest a send may take; a claim must outlive it. */
  get longestSendMs(): number {
    return Math.max(KAFKA_SEND_TIMEOUT_MS, this.options.webhookTimeoutMs);
  }

  /** Sends one webhook delivery and records the outcome. */
  async deliver(delivery: OutboxDelivery, claimant: string, stop?: AbortSignal): Promise<void> {
    const started = process.hrtime.bigint();
    let sent = false;
    const attempted = () =>
      this.options.onAttempt?.(delivery.channel, sent, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      const status = await this.send(delivery, stop);
      sent = true;
      attempted();
      await this.outbox.delivered(delivery.id, claimant, status);
    } catch (error) {
      if (!sent) attempted();
      await this.failed([delivery], claimant, error, stop);
    }
  }

  /** Sends claimed Kafka deliveries in one request (keyed by alert id, in claim order) and records them. */
  async deliverToKafka(deliveries: readonly OutboxDelivery[], claimant: string): Promise<void> {
    if (deliveries.length === 0) return;
    const started = process.hrtime.bigint();
    let sent = false;
    const attempted = () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      for (const delivery of deliveries) this.options.onAttempt?.(delivery.channel, sent, seconds);
    };
    try {
      await withDeadline(
        this.producer.send({
          topic: Topics.alerts,
          acks: -1,
          // structured mode of the CloudEvents Kafka binding: the event is the value
          messages: deliveries.map((delivery) => ({
            key: delivery.payload.alert.id,
            value: JSON.stringify(toAlertCloudEvent(delivery.payload)),
            headers: {
              'content-type': CLOUDEVENTS_JSON,
              [ORG_HEADER]: delivery.payload.alert.orgId,
              ...traceHeadersOf(delivery),
            },
          })),
        }),
        KAFKA_SEND_TIMEOUT_MS,
      );
      sent = true;
      attempted();
      await this.outbox.delivered(
        deliveries.map((d) => d.id),
        claimant,
        null,
      );
    } catch (error) {
      if (!sent) attempted();
      await this.failed(deliveries, claimant, error);
    }
  }

  private async failed(
    deliveries: readonly OutboxDelivery[],
    claimant: string,
    error: unknown,
    stop?: AbortSignal,
  ): Promise<void> {
    const status = error instanceof PostFailed ? error.status : null;
    // a batch backs off as its least-tried delivery does; cut short by a stop: due again at once, for another instance
    const attempts = Math.min(...deliveries.map((d) => d.attempts));
    const retryInMs = stop?.aborted
      ? 0
      : retryDelayMs(attempts, this.options.retryBaseMs, this.options.retryMaxMs);
    const [first] = deliveries;
    this.logger.warn(
      {
        delivery: deliveries.length === 1 ? first.id : deliveries.map((d) => d.id),
        orgId: first.orgId,
        channel: first.channel,
        webhook: first.webhook?.id,
        err: describeError(error),
        retryInMs,
      },
      'alert delivery failed; it will be retried',
    );
    await this.outbox.failedAttempt(
      deliveries.map((d) => d.id),
      claimant,
      { error: describeError(error), status, retryInMs },
    );
  }

  private async send(delivery: OutboxDelivery, stop?: AbortSignal): Promise<number | null> {
    if (!delivery.webhook) throw new PostFailed('the webhook was deleted', null);
    const { id, sealedSecret, secret: inClear } = delivery.webhook;
    // a wrong ORGPULSE_SECRETS_KEY throws here: the delivery is retried, and the error recorded
    const secret = sealedSecret === null ? inClear : this.options.secrets.open(sealedSecret, id);
    if (secret === null) throw new PostFailed('the webhook has no signing secret', null);
    const body = webhookBody(delivery.payload, delivery.webhook.format);
    return guardedPost(
      delivery.webhook.url,
      body,
      {
        'Content-Type': webhookContentType(delivery.webhook.format),
        [SIGNATURE_HEADER]: signature(body, secret),
        // W3C Trace Context: a traced receiver continues the trace (only ids, nothing of the alert)
        ...traceHeaders(),
      },
      { policy: this.options.policy, timeoutMs: this.options.webhookTimeoutMs, stop },
    );
  }
}

/**
 * W3C Trace Context for one record of a Kafka send: the delivery's own trace (a send carries deliveries
 * of many judgements, each continuing its own), else the active span's.
 */
const traceHeadersOf = (delivery: OutboxDelivery): Record<string, string> =>
  delivery.traceParent ? { traceparent: delivery.traceParent } : traceHeaders();

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
