import type { IntegrationRow } from '@orgpulse/persistence';
import {
  type Mapping,
  type VendorDelivery,
  at,
  header,
  idText,
  ignored,
  teamOf,
  text,
  timestampOf,
  vendorEventId,
} from './vendor-mapping';

const DEFAULT_PRODUCTION_ENVIRONMENTS = ['production'];

/**
 * GitHub (contract §9): a successful deployment to a production environment ships, or, with
 * options.shipSignal RELEASE, a published release (not a draft nor a prerelease). `match` is the
 * repository's full_name.
 */
export function mapGithub(
  integration: IntegrationRow,
  { headers, payload, receivedAt }: VendorDelivery,
): Mapping {
  const deliveryId = header(headers, 'x-github-delivery');
  const event = header(headers, 'x-github-event') ?? '(none)';
  const skip = (reason: string) => ignored(reason, deliveryId);
  if (event === 'ping') return skip('ping');
  if (event !== 'deployment_status' && event !== 'release') return skip(`event ${event} is not mapped`);

  const repository = text(at(payload, 'repository', 'full_name'));
  const teamId = teamOf(integration, repository);
  if (teamId === undefined || repository === undefined) return skip('unmapped');
  const shipSignal = integration.options.shipSignal ?? 'DEPLOYMENT';

  if (event === 'deployment_status') {
    if (shipSignal !== 'DEPLOYMENT') return skip('deployments do not ship: options.shipSignal is RELEASE');
    const status = at(payload, 'deployment_status');
    const state = text(at(status, 'state')) ?? '(none)';
    if (state !== 'success') return skip(`deployment state ${state} is not success`);
    const environment =
      text(at(status, 'environment')) ?? text(at(payload, 'deployment', 'environment')) ?? '(none)';
    const production = integration.options.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS;
    if (!production.includes(environment))
      return skip(`environment ${environment} is not a production environment`);
    const statusId = idText(at(status, 'id'));
    if (statusId === undefined) return skip('deployment_status without an id');
    const release = text(at(payload, 'deployment', 'ref')) ?? text(at(payload, 'deployment', 'sha'));
    const url = text(at(status, 'target_url')) ?? text(at(status, 'environment_url'));
    return {
      vendorDeliveryId: deliveryId,
      said: `${teamId} shipped ${release ?? ''} to ${environment}`.replace('  ', ' '),
      events: [
        {
          id: vendorEventId('github', repository, 'deployment_status', statusId),
          type: 'delivery.shipped',
          occurredAt:
            timestampOf(at(status, 'updated_at')) ??
            timestampOf(at(status, 'created_at')) ??
            receivedAt.toISOString(),
          source: 'github',
          data: { teamId, ...(release ? { release } : {}), ...(url ? { url } : {}) },
        },
      ],
    };
  }

  const action = text(at(payload, 'action')) ?? '(none)';
  if (action !== 'published') return skip(`release action ${action} is not published`);
  const release = at(payload, 'release');
  if (at(release, 'draft') === true) return skip('draft release');
  if (at(release, 'prerelease') === true) return skip('prerelease');
  if (shipSignal !== 'RELEASE') return skip('releases do not ship: options.shipSignal is DEPLOYMENT');
  const releaseId = idText(at(release, 'id'));
  if (releaseId === undefined) return skip('release without an id');
  const tag = text(at(release, 'tag_name')) ?? text(at(release, 'name'));
  const url = text(at(release, 'html_url'));
  return {
    vendorDeliveryId: deliveryId,
    said: `${teamId} released ${tag ?? releaseId}`,
    events: [
      {
        id: vendorEventId('github', repository, 'release', releaseId),
        type: 'delivery.shipped',
        occurredAt:
          timestampOf(at(release, 'published_at')) ??
          timestampOf(at(release, 'created_at')) ??
          receivedAt.toISOString(),
        source: 'github',
        data: { teamId, ...(tag ? { release: tag } : {}), ...(url ? { url } : {}) },
      },
    ],
  };
}
