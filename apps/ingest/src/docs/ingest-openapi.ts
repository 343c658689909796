import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The ingest API's OpenAPI document, generated from the controllers and the event catalog. OpenAPI 3.1:
 * its schemas are JSON Schema 2020-12, as the catalog's (`const`, type unions); 3.0 could not hold them.
 */
export function buildIngestOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('orgpulse ingest API')
    .setDescription('Integrations post events here (contract v1, sections 1-3).')
    .setOpenAPIVersion('3.1.0')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An ingest key (opk_...)' }, 'ingestKey')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export const OPENAPI_FILE = 'docs/openapi/ingest.openapi.json';
