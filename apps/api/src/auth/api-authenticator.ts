import { type ApiPrincipal, type CredentialsRepository, hashSecret } from '@orgpulse/persistence';
import { bearerToken } from '@orgpulse/platform';
import type { GraphQLError } from 'graphql';
import { unauthenticated } from '../graphql/graphql-errors';

export interface Authenticated {
  principal: ApiPrincipal;
  /** Kept by open subscriptions, to close them when the token is revoked. */
  tokenHash: string;
}

/** One way in for every transport: an Authorization value (header or graphql-ws connection param). */
export class ApiAuthenticator {
  constructor(private readonly credentials: CredentialsRepository) {}

  async authenticate(authorization: unknown): Promise<Authenticated | GraphQLError> {
    const token = bearerToken(authorization);
    if (token === undefined) return unauthenticated('missing API token: send Authorization: Bearer <token>');
    const principal = await this.credentials.findApiPrincipal(token);
    if (principal === undefined) return unauthenticated('unknown or revoked API token');
    return { principal, tokenHash: hashSecret(token) };
  }
}
