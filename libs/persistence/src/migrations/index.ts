import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { MetricsReadModels1763800000000 } from './1763800000000-metrics-read-models';
import { Alerting1763900000000 } from './1763900000000-alerting';
import { PipelineIntegrity1764000000000 } from './1764000000000-pipeline-integrity';
import { AlerterIsolation1764100000000 } from './1764100000000-alerter-isolation';
import { DeclaredReadModels1764300000000 } from './1764300000000-declared-read-models';
import { OrgStructure1764400000000 } from './1764400000000-org-structure';
import { Integrations1764500000000 } from './1764500000000-integrations';
import { BoundedReadModels1764700000000 } from './1764700000000-bounded-read-models';
import { AlertingByChange1764710000000 } from './1764710000000-alerting-by-change';
import { EventIdentity1764800000000 } from './1764800000000-event-identity';
import { SealedWebhookSecrets1764800000001 } from './1764800000001-sealed-webhook-secrets';
import { OutboxTraceContext1764900000000 } from './1764900000000-outbox-trace-context';
import { CoachingLoop1765000000000 } from './1765000000000-coaching-loop';
import { RegisteredTeamTotals1765100000000 } from './1765100000000-registered-team-totals';
import { PersonHeadLastAt1765200000000 } from './1765200000000-person-head-last-at';
import { BlockedTeamWeeks1765300000000 } from './1765300000000-blocked-team-weeks';
import { AlertsByOrgRaised1765400000000 } from './1765400000000-alerts-by-org-raised';
import { BlockedByTeamWeeks1765500000000 } from './1765500000000-blocked-by-team-weeks';
import { AlertWatchMarks1765600000000 } from './1765600000000-alert-watch-marks';
import { AlertWatchClaims1765800000000 } from './1765800000000-alert-watch-claims';
import { EventStoreDrawnPositions1765700000000 } from './1765700000000-event-store-drawn-positions';

export const migrations = [
  InitialSchema1763700000000,
  MetricsReadModels1763800000000,
  Alerting1763900000000,
  PipelineIntegrity1764000000000,
  AlerterIsolation1764100000000,
  DeclaredReadModels1764300000000,
  OrgStructure1764400000000,
  Integrations1764500000000,
  BoundedReadModels1764700000000,
  AlertingByChange1764710000000,
  EventIdentity1764800000000,
  SealedWebhookSecrets1764800000001,
  OutboxTraceContext1764900000000,
  CoachingLoop1765000000000,
  RegisteredTeamTotals1765100000000,
  PersonHeadLastAt1765200000000,
  BlockedTeamWeeks1765300000000,
  AlertsByOrgRaised1765400000000,
  BlockedByTeamWeeks1765500000000,
  AlertWatchMarks1765600000000,
  EventStoreDrawnPositions1765700000000,
  AlertWatchClaims1765800000000,
];
