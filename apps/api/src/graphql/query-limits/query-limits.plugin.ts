import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { RequestContext } from '../request-context';
import { type ExecutionLimits, ExecutionBudget, budgets } from '../execution-limits/execution-budget';
import type { InflightWork } from '../execution-limits/inflight-work';
import { formattedRefusal } from '../graphql-errors';
import type { OrgSizesSource } from './org-sizes.source';
import { operationCost, sizesNeeded } from './query-cost';
import type { QueryLimits } from './query-limits';

type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

interface Resolved {
  request: { operationName?: string | null; variables?: Record<string, unknown> | null };
  document: DocumentNode;
  schema: GraphQLSchema;
  contextValue: unknown;
}

interface Sent {
  response: {
    http: { status?: number };
    body: { kind: string; singleResult?: unknown };
  };
}

/**
 * The limits of a query over HTTP once it is parsed and valid: its cost from the org's actual sizes
 * and the variables (refused over the maximum), then its turn among executing queries (InflightWork),
 * then a deadline and a response size while it runs (a cut answers QUERY_LIMIT_EXCEEDED alone).
 */
export function queryLimitsPlugin(
  limits: Pick<QueryLimits, 'maxCost'>,
  execution: ExecutionLimits,
  sizes: OrgSizesSource,
  inflight: InflightWork,
): ApolloPlugin {
  return {
    requestDidStart: ({ contextValue }: { contextValue: unknown }) => {
      const budget = new ExecutionBudget(execution);
      budgets.set(contextValue as object, budget);
      let release: (() => void) | undefined;
      let cost = 0;
      return Promise.resolve({
        didResolveOperation: async ({ request, document, schema }: Resolved) => {
          const { orgId } = (contextValue as RequestContext).principal;
          const needed = sizesNeeded(schema, document, request.operationName, request.variables);
          // no list sized by the org in the query: its sizes change nothing
          const org = needed && (await sizes.of(orgId, needed.groupIds));
          const costed = operationCost(
            schema,
            document,
            request.operationName,
            request.variables,
            limits,
            org,
          );
          if (costed.errors.length > 0) throw costed.errors[0];
          cost = costed.cost;
        },
        // only what executes takes a turn (an answer from the cache does not)
        executionDidStart: async () => {
          // past the deadline while waiting, the budget is cut: the first resolver ends the query
          release = await inflight.admit(cost, budget).catch(() => undefined);
        },
        willSendResponse: ({ response }: Sent) => {
          release?.();
          budget.settle();
          if (budget.cut !== undefined) {
            response.http.status = 400;
            response.body = { kind: 'single', singleResult: { errors: [formattedRefusal(budget.cut)] } };
          }
          return Promise.resolve();
        },
      });
    },
  } as ApolloPlugin;
}
