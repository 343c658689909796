import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { ApiPrincipal } from '@orgpulse/persistence';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { httpRefusal } from '../graphql/graphql-errors';
import { ApiAuthenticator } from './api-authenticator';

export interface AuthenticatedRequest extends Request {
  principal: ApiPrincipal;
}

/** Every GraphQL request over HTTP carries an API token; its org scopes everything the request can see. */
@Injectable()
export class ApiTokenMiddleware implements NestMiddleware {
  constructor(private readonly authenticator: ApiAuthenticator) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    let authenticated;
    try {
      authenticated = await this.authenticator.authenticate(req.headers.authorization);
    } catch (error) {
      next(error);
      return;
    }
    if (authenticated instanceof GraphQLError) {
      const { status, body } = httpRefusal(authenticated);
      res.status(status).json(body);
      return;
    }
    (req as AuthenticatedRequest).principal = authenticated.principal;
    next();
  }
}
