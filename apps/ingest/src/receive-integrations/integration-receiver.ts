import { Inject, Injectable } from '@nestjs/common';
import { validateEvents } from '@orgpulse/contracts';
import { EventPublisher, toEventRecord } from '@orgpulse/messaging';
import {
  type IntegrationKind,
  IntegrationsRepository,
  type NewDelivery,
  type VerifiableIntegration,
} from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import { IngestError, databaseUnavailable, kafkaUnavailable } from '../errors/ingest-error';
import { LOGGER } from '../ingest.tokens';
import { TokenBucketRateLimiter } from '../rate-limit/token-bucket.rate-limiter';
import { parseVerifiedBody } from './integration-body';
import { type Headers, verifyVendorSignature } from './vendor-signature';
import { mapGithub } from './vendors/github.mapping';
import { mapJira } from './vendors/jira.mapping';
import { mapLinear } from './vendors/linear.mapping';
import { mapSlack } from './vendors/slack.mapping';
import type { Mapping, VendorMapper } from './vendors/vendor-mapping';

const mappers: Record<IntegrationKind, VendorMapper> = {
  GITHUB: mapGithub,
  JIRA: mapJira,
  SLACK: mapSlack,
  LINEAR: mapLinear,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNAUTHORIZED = 'unknown integration, or a bad, missing or stale signature';

/** What a verified delivery came to; the controller says it in the vendor's terms. */
export type Receipt =
  | { kind: IntegrationKind; outcome: 'ACCEPTED'; accepted: number; said: string }
  | { kind: IntegrationKind; outcome: 'IGNORED'; reason: string; help?: string }
  | { kind: IntegrationKind; outcome: 'REJECTED'; error: IngestError };

export interface Delivery {
  integrationId: string;
  headers: Headers;
  contentType: string | undefined;
  body: Buffer;
}

/**
 * A vendor's webhook (contract §9): the signature over the raw body is checked first, then the rate,
 * then the payload is mapped to orgpulse events that take the same validation and the same Kafka path
 * as POST /v1/events. Every verified delivery is recorded with its outcome.
 */
@Injectable()
export class IntegrationReceiver {
  constructor(
    private readonly integrations: IntegrationsRepository,
    private readonly publisher: EventPublisher,
    private readonly rateLimiter: TokenBucketRateLimiter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async receive(delivery: Delivery): Promise<Receipt> {
    const integration = await this.verified(delivery);
    const decision = this.rateLimiter.take(`integration:${integration.id}`);
    if (!decision.allowed)
      throw new IngestError(
        'RATE_LIMITED',
        'too many deliveries for this integration',
        [],
        decision.retryAfterSeconds,
      );

    const receivedAt = new Date();
    const payload = parseVerifiedBody(delivery.body, delivery.contentType);
    if (payload === undefined) {
      const error = new IngestError('INVALID_REQUEST', 'the body is neither UTF-8 JSON nor form fields');
      await this.record(integration, { outcome: 'REJECTED', reason: error.message, eventIds: [] });
      return { kind: integration.kind, outcome: 'REJECTED', error };
    }
    const mapping = mappers[integration.kind](integration, {
      headers: delivery.headers,
      payload,
      receivedAt,
    });
    return this.settle(integration, mapping, receivedAt);
  }

  private async verified({ integrationId, headers, body }: Delivery): Promise<VerifiableIntegration> {
    if (!UUID.test(integrationId)) throw new IngestError('UNAUTHORIZED', UNAUTHORIZED);
    const integration = await this.integrations.verifiable(integrationId).catch((error: unknown) => {
      this.logger.warn({ err: describeError(error), integrationId }, 'integration could not be read');
      throw databaseUnavailable();
    });
    if (integration === undefined) throw new IngestError('UNAUTHORIZED', UNAUTHORIZED);
    const verification = verifyVendorSignature(
      integration.kind,
      integration.secret,
      headers,
      body,
      Date.now(),
    );
    if (!verification.ok) {
      this.logger.warn(
        { integrationId, kind: integration.kind, reason: verification.reason },
        'delivery refused',
      );
      throw new IngestError('UNAUTHORIZED', UNAUTHORIZED);
    }
    return integration;
  }

  private async settle(
    integration: VerifiableIntegration,
    mapping: Mapping,
    receivedAt: Date,
  ): Promise<Receipt> {
    const { kind } = integration;
    const vendorDeliveryId = mapping.vendorDeliveryId?.slice(0, 200);
    if ('ignored' in mapping) {
      if (mapping.ignored !== 'ping')
        this.logger.warn(
          { integrationId: integration.id, kind, reason: mapping.ignored },
          'delivery ignored',
        );
      await this.record(integration, {
        vendorDeliveryId,
        outcome: 'IGNORED',
        reason: mapping.ignored,
        eventIds: [],
      });
      return { kind, outcome: 'IGNORED', reason: mapping.ignored, help: mapping.help };
    }
    const eventIds = mapping.events.map((e) => e.id);
    const result = validateEvents(mapping.events, receivedAt);
    if (!result.ok) {
      const error = new IngestError(
        'INVALID_EVENTS',
        'the mapped events are invalid; nothing was accepted',
        result.problems,
      );
      const reason = result.problems
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')
        .slice(0, 1000);
      await this.record(integration, { vendorDeliveryId, outcome: 'REJECTED', reason, eventIds });
      return { kind, outcome: 'REJECTED', error };
    }
    try {
      await this.publisher.publish(result.events.map((e) => toEventRecord(integration.orgId, e, new Date())));
    } catch (error) {
      this.logger.warn(
        { err: describeError(error), integrationId: integration.id },
        'Kafka did not take the events',
      );
      const refusal = kafkaUnavailable(
        'the event log is unavailable; nothing was accepted, the vendor may retry',
      );
      await this.record(integration, {
        vendorDeliveryId,
        outcome: 'REJECTED',
        reason: refusal.message,
        eventIds,
      }).catch(() => undefined);
      throw refusal;
    }
    await this.record(integration, { vendorDeliveryId, outcome: 'ACCEPTED', eventIds });
    return { kind, outcome: 'ACCEPTED', accepted: result.events.length, said: mapping.said };
  }

  /** A delivery the record of which fails is still answered: its events, if any, are on Kafka already. */
  private async record(integration: VerifiableIntegration, delivery: NewDelivery): Promise<void> {
    try {
      await this.integrations.recordDelivery(integration.id, delivery);
    } catch (error) {
      this.logger.warn({ err: describeError(error), integrationId: integration.id }, 'delivery not recorded');
    }
  }
}
