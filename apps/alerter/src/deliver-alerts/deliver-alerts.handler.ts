import { Topics } from '@orgpulse/contracts';
import { AlertOutbox, type OutboxDelivery } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { SIGNATURE_HEADER, retryDelayMs, signature, webhookBody } from './webhook-request';

export interface DeliveryOptions {
  retryBaseMs: number;
  maxAttempts: number;
  webhookTimeoutMs: number;
}

class DeliveryFailed extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Sends due outbox deliveries: to the alerts topic, and to webhooks signed with their secret. */
export class DeliverAlertsHandler {
  constructor(
    private readonly db: DataSource,
    private readonly producer: Producer,
    private readonly options: DeliveryOptions,
    private readonly logger: Logger,
  ) {}

  /** Delivers one batch of due rows; returns how many were attempted. */
  async deliverDue(limit = 20): Promise<number> {
    return this.db.transaction(async (tx) => {
      const outbox = new AlertOutbox(tx);
      const due = await outbox.claimDue(limit);
      await Promise.all(
        due.map(async (delivery) => {
          try {
            const status = await this.send(delivery);
            await outbox.delivered(delivery.id, status);
          } catch (error) {
            const status = error instanceof DeliveryFailed ? error.status : null;
            const giveUp = delivery.attempts + 1 >= this.options.maxAttempts;
            const retryIn = giveUp ? null : retryDelayMs(delivery.attempts, this.options.retryBaseMs);
            this.logger.warn(
              { delivery: delivery.id, channel: delivery.channel, err: describeError(error), retryIn },
              'alert delivery failed',
            );
            await outbox.failedAttempt(delivery.id, describeError(error), status, retryIn);
          }
        }),
      );
      return due.length;
    });
  }

  private async send(delivery: OutboxDelivery): Promise<number | null> {
    if (delivery.channel === 'kafka') {
      await this.producer.send({
        topic: Topics.alerts,
        acks: -1,
        messages: [{ key: delivery.payload.alert.id, value: JSON.stringify(delivery.payload) }],
      });
      return null;
    }
    if (!delivery.webhook) throw new DeliveryFailed('the webhook was deleted', null);
    const body = webhookBody(delivery.payload, delivery.webhook.format);
    let response: Response;
    try {
      response = await fetch(delivery.webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [SIGNATURE_HEADER]: signature(body, delivery.webhook.secret),
        },
        body,
        signal: AbortSignal.timeout(this.options.webhookTimeoutMs),
      });
    } catch (error) {
      throw new DeliveryFailed(`request failed: ${describeError(error)}`, null);
    }
    if (!response.ok) throw new DeliveryFailed(`receiver answered ${response.status}`, response.status);
    return response.status;
  }
}
