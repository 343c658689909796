import type { ApiPrincipal } from '@orgpulse/persistence';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { httpRefusal } from '../graphql/graphql-errors';
import type { ApiAuthenticator } from './api-authenticator';

export interface AuthenticatedRequest extends FastifyRequest {
  principal: ApiPrincipal;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request to the GraphQL route that got past authentication. */
    principal: ApiPrincipal | null;
  }
}

/**
 * Every GraphQL request over HTTP carries an API token; its org scopes everything the request can
 * see. Checked when the request arrives, before its body is read.
 */
export function authenticateGraphqlRequests(
  fastify: FastifyInstance,
  authenticator: ApiAuthenticator,
  path: string,
): void {
  fastify.decorateRequest('principal', null);
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== path) return;
    const authenticated = await authenticator.authenticate(request.headers.authorization);
    if (authenticated instanceof GraphQLError) {
      const { status, body } = httpRefusal(authenticated);
      return reply.code(status).send(body);
    }
    request.principal = authenticated.principal;
  });
}
