import { type Logger, describeError } from '@orgpulse/platform';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiAuthenticator, Authenticated } from '../auth/api-authenticator';
import { formatGraphqlError } from '../graphql/graphql-errors';
import type { GraphqlPolicy } from '../graphql/graphql-policy';
import { queryLimitError } from '../graphql/query-limits/query-limits';
import type { OpenSockets } from './open-sockets';

/** Subscriptions one connection may hold at once (each holds a feed of the org's alert changes). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

export interface GraphqlWsOptions {
  path: string;
  schema: GraphQLSchema;
  authenticator: ApiAuthenticator;
  openSockets: OpenSockets;
  /** parse, validation, cost and context: the same as over HTTP */
  policy: GraphqlPolicy;
  logger: Logger;
}

type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/**
 * graphql-ws on the API's HTTP server, with the limits and authentication of the HTTP transport:
 * a message over the body limit closes the socket (1009); a document is parsed with the token
 * limit and checked for shape and cost with its variables before it runs.
 */
export function serveGraphqlWs(httpServer: Server, options: GraphqlWsOptions): { close(): Promise<void> } {
  const { schema, authenticator, openSockets, policy, logger } = options;
  const limits = policy.limits;
  const authenticated = new WeakMap<object, Authenticated>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);
  const format = (error: GraphQLError) =>
    formatGraphqlError(error.toJSON(), error, (internal) =>
      logger.error({ err: describeError(internal) }, 'GraphQL internal error (graphql-ws)'),
    );

  const checked = async (
    ctx: WsContext,
    auth: Authenticated,
    query: string,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | null | undefined,
  ): Promise<DocumentNode | readonly GraphQLError[]> => {
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return [
        queryLimitError(
          'subscriptions',
          MAX_SUBSCRIPTIONS_PER_CONNECTION,
          Object.keys(ctx.subscriptions).length,
          `a connection may hold at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} operations at once`,
        ),
      ];
    }
    let document: DocumentNode;
    try {
      document = parse(query, policy.parseOptions);
    } catch (error) {
      return [
        error instanceof GraphQLError
          ? new GraphQLError(error.message, {
              source: error.source,
              extensions: { code: 'GRAPHQL_PARSE_FAILED' },
            })
          : new GraphQLError('the query could not be parsed', {
              extensions: { code: 'GRAPHQL_PARSE_FAILED' },
            }),
      ];
    }
    const invalid = validate(schema, document, [...specifiedRules, ...policy.validationRules]);
    if (invalid.length > 0) return invalid;
    try {
      const { errors } = await policy.cost(auth.principal, schema, document, operationName, variables);
      return errors.length > 0 ? errors : document;
    } catch (error) {
      // the org's sizes could not be read: this operation fails, the connection's others go on
      logger.warn({ err: describeError(error) }, 'subscription not costed (graphql-ws)');
      return [
        new GraphQLError('the operation could not be checked; try again', {
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        }),
      ];
    }
  };

  const server = useServer(
    {
      schema,
      onConnect: async (ctx: WsContext) => {
        const params = ctx.connectionParams ?? {};
        const result = await authenticator.authenticate(params.authorization ?? params.Authorization);
        if (result instanceof GraphQLError) return false; // closes 4403 Forbidden
        authenticated.set(ctx.extra.socket, result);
        openSockets.add(ctx.extra.socket, result.tokenHash);
        return true;
      },
      onClose: (ctx: WsContext) => openSockets.remove(ctx.extra.socket),
      onSubscribe: async (ctx: WsContext, _id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const auth = authenticated.get(ctx.extra.socket);
        if (!auth)
          return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const document = await checked(ctx, auth, payload.query, payload.operationName, payload.variables);
        if (!('kind' in document)) return document;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: policy.context(auth.principal),
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(format) } : undefined,
    },
    wss,
  );
  return {
    close: async () => {
      httpServer.off('upgrade', onUpgrade);
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
