import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { type ExecutionLimits, ExecutionBudget, budgets } from '../execution-limits/execution-budget';
import type { InflightWork } from '../execution-limits/inflight-work';
import { formattedRefusal } from '../graphql-errors';
import type { GraphqlPolicy } from '../graphql-policy';
import type { RequestContext } from '../request-context';

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
  policy: GraphqlPolicy,
  execution: ExecutionLimits,
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
          const { principal } = contextValue as RequestContext;
          const costed = await policy.cost(
            principal,
            schema,
            document,
            request.operationName,
            request.variables,
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
