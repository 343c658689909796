import type { ApiPrincipal } from '@orgpulse/persistence';
import {
  type DocumentNode,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  type ValidationRule,
} from 'graphql';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import type { ApiCache } from '../cache/api-cache';
import { sharedReadOf } from '../read-models/shared-read';
import type { TeamHistoryCache } from '../read-models/team-history.cache';
import type { OrgDataVersions } from './result-cache/org-data-versions';
import { dateTimeArgumentsRule } from './date-time.scalar';
import type { CooperativeScheduler } from './execution-limits/cooperative-scheduler';
import type { OrgSizesSource } from './query-limits/org-sizes.source';
import { type OperationCost, operationCost, sizesNeeded } from './query-limits/query-cost';
import { QUERY_LIMITS } from './query-limits/query-limits';
import { queryShapeRule } from './query-limits/query-shape.rule';
import { RequestContext } from './request-context';

export interface GraphqlPolicyOptions {
  db: DataSource;
  /** No introspection on either transport, and no field suggestions over HTTP (API_INTROSPECTION). */
  hideSchema: boolean;
  sizes: OrgSizesSource;
  scheduler: CooperativeScheduler;
  /** Absent: each request reads the teams' timelines it needs. */
  teamHistories?: TeamHistoryCache;
  /** The API's cache and the orgs' data versions: reads shared by an org's requests (see SharedRead). */
  shared?: { cache: ApiCache; versions: OrgDataVersions };
}

/**
 * What a GraphQL operation must pass, over HTTP (Apollo) and WebSocket (graphql-ws) alike: the tokens
 * while parsing, the rules while validating (shape, strict DateTime arguments, no introspection when
 * the schema is hidden), then its cost from the org's actual sizes with its variables; and the one
 * context it runs with. Each transport authenticates at its door and asks this for the rest.
 */
export class GraphqlPolicy {
  readonly limits = QUERY_LIMITS;
  readonly parseOptions = { maxTokens: QUERY_LIMITS.maxTokens };
  readonly validationRules: readonly ValidationRule[];

  constructor(private readonly options: GraphqlPolicyOptions) {
    this.validationRules = [
      dateTimeArgumentsRule,
      queryShapeRule(QUERY_LIMITS),
      ...(options.hideSchema ? [NoSchemaIntrospectionCustomRule] : []),
    ];
  }

  get hideSchema(): boolean {
    return this.options.hideSchema;
  }

  /** The context an operation runs with: its principal's org and scope, the process's shared reads. */
  context(principal: ApiPrincipal, request?: AuthenticatedRequest): RequestContext {
    const { db, teamHistories, scheduler, shared } = this.options;
    return new RequestContext(
      principal,
      db,
      request,
      undefined,
      teamHistories,
      scheduler,
      shared && sharedReadOf(shared.cache, shared.versions, principal.orgId, request !== undefined),
    );
  }

  /** A valid operation's cost from its org's sizes (read only when a list it asks for is sized by them). */
  async cost(
    principal: ApiPrincipal,
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): Promise<OperationCost> {
    const needed = sizesNeeded(schema, document, operationName, variables);
    const org = needed && (await this.options.sizes.of(principal.orgId, needed.groupIds));
    return operationCost(schema, document, operationName, variables, QUERY_LIMITS, org);
  }
}
