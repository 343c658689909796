import { AlertsResolver } from './alerts/alerts.resolver';
import { ManagerCoachingResolver, PersonCoachingResolver } from './coaching/coaching.resolver';
import { BlockingEdgesResolver } from './blocking/blocking-edges.resolver';
import { DataFreshnessResolver } from './freshness/data-freshness.resolver';
import { GroupsResolver } from './groups/groups.resolver';
import { METRIC_FIELD_RESOLVERS } from './metric-fields/metric-fields.generated';
import { IntegrationsResolver } from './integrations/integrations.resolver';
import { ManagersResolver } from './managers/managers.resolver';
import { OrgOverviewFieldsResolver, OrgOverviewResolver } from './overview/org-overview.resolver';
import { PeopleResolver } from './people/people.resolver';
import { SettingsResolver } from './settings/settings.resolver';
import { TeamTimelineFieldsResolver } from './team-timeline/team-timeline-fields.resolver';
import { TeamsResolver } from './teams/teams.resolver';
import { WebhooksResolver } from './webhooks/webhooks.resolver';

/** Every resolver of the API: the module serves them, and the schema report checks their roles. */
export const API_RESOLVERS = [
  TeamsResolver,
  GroupsResolver,
  BlockingEdgesResolver,
  ManagersResolver,
  PeopleResolver,
  PersonCoachingResolver,
  ManagerCoachingResolver,
  OrgOverviewResolver,
  OrgOverviewFieldsResolver,
  AlertsResolver,
  SettingsResolver,
  WebhooksResolver,
  IntegrationsResolver,
  DataFreshnessResolver,
  TeamTimelineFieldsResolver,
  ...METRIC_FIELD_RESOLVERS,
];
