import { type ApiPrincipal, type CredentialCache, hashSecret } from '@orgpulse/persistence';
import { bearerToken } from '@orgpulse/platform';
import type { GraphQLError } from 'graphql';
import { unauthenticated } from '../graphql/graphql-errors';

export interface Authenticated {
  principal: ApiPrincipal;
  /** Kept by open subscriptions, to close them when the token is revoked. */
  tokenHash: string;
}

/**
 * One way in for every transport: an Authorization value (header or graphql-ws connection param).
 * Principals come from the shared CredentialCache: no SQL per request for a token seen recently,
 * and a revoked one is refused as soon as its revocation's NOTIFY arrives.
 */
export class ApiAuthenticator {
  constructor(private readonly principals: CredentialCache<ApiPrincipal>) {}

  async authenticate(authorization: unknown): Promise<Authenticated | GraphQLError> {
    const token = bearerToken(authorization);
    if (token === undefined) return unauthenticated('missing API token: send Authorization: Bearer <token>');
    const tokenHash = hashSecret(token);
    const principal = await this.principals.getByHash(tokenHash);
    if (principal === undefined) return unauthenticated('unknown or revoked API token');
    return { principal, tokenHash };
  }
}
