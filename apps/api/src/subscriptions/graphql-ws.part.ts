import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Logger } from '@orgpulse/platform';
import { LOGGER, type ServicePart } from '@orgpulse/runtime';
import type { Server } from 'node:http';
import { ApiAuthenticator } from '../auth/api-authenticator';
import { GRAPHQL_PATH } from '../graphql/graphql-options';
import { GraphqlPolicy } from '../graphql/graphql-policy';
import { serveGraphqlWs } from './graphql-ws.server';
import { OpenSockets } from './open-sockets';

/** Subscriptions over graphql-ws on the API's HTTP server; its sockets close before the server does. */
@Injectable()
export class GraphqlWsPart implements ServicePart {
  readonly name = 'graphql-ws';
  private server?: { close(): Promise<void> };

  constructor(
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
    @Inject(GraphQLSchemaHost) private readonly schema: GraphQLSchemaHost,
    @Inject(ApiAuthenticator) private readonly authenticator: ApiAuthenticator,
    @Inject(OpenSockets) private readonly openSockets: OpenSockets,
    @Inject(GraphqlPolicy) private readonly policy: GraphqlPolicy,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    this.server = serveGraphqlWs(this.http.httpAdapter.getHttpServer() as Server, {
      path: GRAPHQL_PATH,
      schema: this.schema.schema,
      authenticator: this.authenticator,
      openSockets: this.openSockets,
      policy: this.policy,
      logger: this.logger,
    });
    this.openSockets.start();
  }

  async drain(): Promise<void> {
    this.openSockets.stop();
    await this.server?.close();
  }
}
