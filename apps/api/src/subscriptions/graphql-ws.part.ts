import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Logger } from '@orgpulse/platform';
import type { ServicePart } from '@orgpulse/runtime';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { ApiAuthenticator } from '../auth/api-authenticator';
import { GRAPHQL_PATH } from '../graphql/graphql-options';
import { QUERY_LIMITS } from '../graphql/query-limits/query-limits';
import { serveGraphqlWs } from './graphql-ws.server';
import { OpenSockets } from './open-sockets';

export const GRAPHQL_WS_SETTINGS = Symbol('GraphqlWsSettings');

export interface GraphqlWsSettings {
  logger: Logger;
  /** No introspection (API_INTROSPECTION), as over HTTP. */
  hideSchema: boolean;
}

/** Subscriptions over graphql-ws on the API's HTTP server; its sockets close before the server does. */
@Injectable()
export class GraphqlWsPart implements ServicePart {
  readonly name = 'graphql-ws';
  private server?: { close(): Promise<void> };

  constructor(
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
    @Inject(GraphQLSchemaHost) private readonly schema: GraphQLSchemaHost,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ApiAuthenticator) private readonly authenticator: ApiAuthenticator,
    @Inject(OpenSockets) private readonly openSockets: OpenSockets,
    @Inject(GRAPHQL_WS_SETTINGS) private readonly settings: GraphqlWsSettings,
  ) {}

  start(): void {
    this.server = serveGraphqlWs(this.http.httpAdapter.getHttpServer() as Server, {
      path: GRAPHQL_PATH,
      schema: this.schema.schema,
      db: this.db,
      authenticator: this.authenticator,
      openSockets: this.openSockets,
      limits: QUERY_LIMITS,
      logger: this.settings.logger,
      extraRules: this.settings.hideSchema ? [NoSchemaIntrospectionCustomRule] : [],
    });
    this.openSockets.start();
  }

  async drain(): Promise<void> {
    this.openSockets.stop();
    await this.server?.close();
  }
}
