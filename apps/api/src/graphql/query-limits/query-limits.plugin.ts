import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { operationCost } from './query-cost';
import type { QueryLimits } from './query-limits';

type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

interface ResolvedOperation {
  request: { operationName?: string | null; variables?: Record<string, unknown> | null };
  document: DocumentNode;
  schema: GraphQLSchema;
}

/** The cost depends on the variables, so it is checked once they are known, before execution. */
export function queryCostPlugin(limits: Pick<QueryLimits, 'maxCost'>): ApolloPlugin {
  const didResolveOperation = ({ request, document, schema }: ResolvedOperation): Promise<void> => {
    const { errors } = operationCost(schema, document, request.operationName, request.variables, limits);
    return errors.length === 0 ? Promise.resolve() : Promise.reject(errors[0]);
  };
  return { requestDidStart: () => Promise.resolve({ didResolveOperation }) } as ApolloPlugin;
}
