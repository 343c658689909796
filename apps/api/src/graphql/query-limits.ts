import {
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** Refuses operations nested deeper than `max` fields, introspection included. */
export function maxDepthRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD)
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, seen));
        else if (selection.kind === Kind.INLINE_FRAGMENT)
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        else if (!seen.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          deepest = Math.max(
            deepest,
            depthOf(fragment?.selectionSet, new Set([...seen, selection.name.value])),
          );
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet, new Set());
        if (depth > max) {
          context.reportError(
            new GraphQLError(`the query is ${depth} levels deep; at most ${max} are allowed`, {
              nodes: [operation],
            }),
          );
        }
      },
    };
  };
}

interface ResolvedOperation {
  request: { operationName?: string | null; variables?: Record<string, unknown> | null };
  document: DocumentNode;
  schema: GraphQLSchema;
}

/** Refuses operations whose estimated cost exceeds `max`; needs the variables, so it runs as a plugin. */
export function complexityLimitPlugin(max: number) {
  const didResolveOperation = ({ request, document, schema }: ResolvedOperation): Promise<void> => {
    const complexity = getComplexity({
      schema,
      query: document,
      operationName: request.operationName ?? undefined,
      variables: request.variables ?? {},
      estimators: [simpleEstimator({ defaultComplexity: 1 })],
    });
    if (complexity <= max) return Promise.resolve();
    return Promise.reject(
      new GraphQLError(`query complexity ${complexity} exceeds the limit of ${max}`, {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
      }),
    );
  };
  return { requestDidStart: () => Promise.resolve({ didResolveOperation }) };
}
