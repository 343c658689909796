import { Inject, Injectable } from '@nestjs/common';
import { printable, isUuid } from '@orgpulse/contracts';
import { type Acceptance, AcceptEvents, EventLogUnavailableError } from '@orgpulse/messaging';
import {
  type IntegrationKind,
  IntegrationsRepository,
  type NewDelivery,
  type VerifiableIntegration,
} from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import { IngestError, databaseUnavailable, kafkaUnavailable } from '../errors/ingest-error';
import { LOGGER } from '@orgpulse/runtime';
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

/** What is stored and logged of a delivery is bounded, whatever the vendor's body holds. */
export const MAX_REASON_CHARS = 200;
export const MAX_RECORDED_ID_CHARS = 200;
const MAX_RECORDED_EVENT_IDS = 100;

/** Text from a vendor's body made storable (U+0000, lone surrogates) and cut to `max` characters. */
export function recordable(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  // printable may lengthen what it escapes: cut again, never inside an escape's meaning
  const shown = printable(cut);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

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
    @Inject(AcceptEvents) private readonly acceptEvents: AcceptEvents,
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
    const payload = parseVerifiedBody(integration.kind, delivery.body, delivery.contentType);
    if (payload === undefined) {
      const error = new IngestError(
        'INVALID_REQUEST',
        integration.kind === 'GITHUB'
          ? 'the body is neither UTF-8 JSON nor a form with a JSON payload field'
          : 'the body is neither UTF-8 JSON nor form fields',
      );
      await this.record(integration, { outcome: 'REJECTED', reason: error.message, eventIds: [] });
      return { kind: integration.kind, outcome: 'REJECTED', error };
    }
    const mapping = mappers[integration.kind](integration, {
      headers: delivery.headers,
      payload,
      receivedAt,
    });
    return this.settle(integration, mapping);
  }

  private async verified({ integrationId, headers, body }: Delivery): Promise<VerifiableIntegration> {
    if (!isUuid(integrationId)) throw new IngestError('UNAUTHORIZED', UNAUTHORIZED);
    const integration = await this.integrations.verifiable(integrationId).catch((error: unknown) => {
      this.logger.warn({ err: describeError(error), integrationId }, 'integration could not be read');
      throw databaseUnavailable();
    });
    if (integration === undefined) throw new IngestError('UNAUTHORIZED', UNAUTHORIZED);
    const verification = await verifyVendorSignature(
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

  private async settle(integration: VerifiableIntegration, mapping: Mapping): Promise<Receipt> {
    const { kind } = integration;
    const vendorDeliveryId =
      mapping.vendorDeliveryId === undefined
        ? undefined
        : recordable(mapping.vendorDeliveryId, MAX_RECORDED_ID_CHARS);
    if ('ignored' in mapping) {
      const reason = recordable(mapping.ignored, MAX_REASON_CHARS);
      if (mapping.ignored !== 'ping')
        this.logger.warn({ integrationId: integration.id, kind, reason }, 'delivery ignored');
      await this.record(integration, { vendorDeliveryId, outcome: 'IGNORED', reason, eventIds: [] });
      return {
        kind,
        outcome: 'IGNORED',
        reason,
        help: mapping.help === undefined ? undefined : recordable(mapping.help, 2 * MAX_REASON_CHARS + 400),
      };
    }
    const eventIds = mapping.events
      .slice(0, MAX_RECORDED_EVENT_IDS)
      .map((e) => recordable(e.id, MAX_RECORDED_ID_CHARS));
    let acceptance: Acceptance;
    try {
      acceptance = await this.acceptEvents.accept(integration.orgId, mapping.events);
    } catch (error) {
      if (!(error instanceof EventLogUnavailableError)) throw error;
      this.logger.warn(
        { err: describeError(error.cause), integrationId: integration.id },
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
    if (!acceptance.ok) {
      const error = new IngestError(
        'INVALID_EVENTS',
        'the mapped events are invalid; nothing was accepted',
        acceptance.problems,
      );
      const reason = recordable(acceptance.problems.map((p) => `${p.path}: ${p.message}`).join('; '), 1000);
      await this.record(integration, { vendorDeliveryId, outcome: 'REJECTED', reason, eventIds });
      return { kind, outcome: 'REJECTED', error };
    }
    await this.record(integration, { vendorDeliveryId, outcome: 'ACCEPTED', eventIds });
    return { kind, outcome: 'ACCEPTED', accepted: acceptance.accepted, said: mapping.said };
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
