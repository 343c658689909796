import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The ingest API's OpenAPI document, generated from the controllers and the event catalog. */
export function buildIngestOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('orgpulse ingest API')
    .setDescription('Integrations post events here (contract v1, sections 1-3).')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An ingest key (opk_...)' }, 'ingestKey')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export const OPENAPI_FILE = 'docs/openapi/ingest.openapi.json';
