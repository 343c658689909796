import { Injectable, type NestMiddleware } from '@nestjs/common';
import { type ApiPrincipal, CredentialsRepository } from '@orgpulse/persistence';
import type { NextFunction, Request, Response } from 'express';

export interface AuthenticatedRequest extends Request {
  principal: ApiPrincipal;
}

const unauthenticated = (res: Response, message: string) =>
  res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });

/** Every GraphQL request carries an API token; its org scopes everything the request can see. */
@Injectable()
export class ApiTokenMiddleware implements NestMiddleware {
  constructor(private readonly credentials: CredentialsRepository) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) {
      unauthenticated(res, 'missing API token: send Authorization: Bearer <token>');
      return;
    }
    const principal = await this.credentials.findApiPrincipal(token);
    if (principal === undefined) {
      unauthenticated(res, 'unknown or revoked API token');
      return;
    }
    (req as AuthenticatedRequest).principal = principal;
    next();
  }
}
