import { compileErrors, validate } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The checked-in document is the served one: CI's `write-docs.js --check` fails when it is stale.
// (OPENAPI_FILE of ./ingest-openapi, which jest cannot load: @nestjs/swagger is ESM)
const OPENAPI_FILE = 'docs/openapi/ingest.openapi.json';
const root = join(__dirname, '..', '..', '..', '..');
const document = JSON.parse(readFileSync(join(root, OPENAPI_FILE), 'utf8')) as Record<string, unknown>;

// validate() dereferences in place: each call gets its own copy
const validated = (api: Record<string, unknown>) => validate(structuredClone(api) as never);

describe(`${OPENAPI_FILE}, by a maintained OpenAPI validator (@readme/openapi-parser)`, () => {
  it('is a valid OpenAPI document', async () => {
    const result = await validated(document);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it.each<[string, (api: Record<string, unknown>) => void]>([
    [
      'a response without its required description',
      (api) => {
        const post = (api.paths as Record<string, Record<string, { responses: Record<string, object> }>>)[
          '/v1/events'
        ].post;
        post.responses['202'] = {};
      },
    ],
    ['a $ref to nothing', (api) => ((api.paths as Record<string, unknown>)['/x'] = { get: { responses: { 200: { $ref: '#/components/responses/none' } } } })],
    ['an unknown version', (api) => (api.openapi = '9.9.9')],
  ])('refuses a document with %s', async (_given, spoil) => {
    const spoiled = structuredClone(document);
    spoil(spoiled);
    expect((await validated(spoiled)).valid).toBe(false);
  });
});

describe(`${OPENAPI_FILE}: the vendors' receivers (contract §9)`, () => {
  type Operation = {
    parameters?: { name: string; in: string }[];
    requestBody?: { content: Record<string, unknown> };
    responses: Record<string, unknown>;
  };
  const receiver = (document.paths as Record<string, Record<string, Operation>>)['/v1/integrations/{id}']
    ?.post;

  it('lists POST /v1/integrations/{id} with both default delivery formats', () => {
    expect(receiver).toBeDefined();
    expect(Object.keys(receiver.requestBody?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
  });

  it("names the integration id and each vendor's signature header", () => {
    const names = (receiver.parameters ?? []).map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'path:id',
        'header:X-Hub-Signature-256',
        'header:X-Hub-Signature',
        'header:X-Slack-Signature',
        'header:X-Slack-Request-Timestamp',
        'header:Linear-Signature',
      ]),
    );
  });

  it('describes the answers a vendor can get', () => {
    expect(Object.keys(receiver.responses).sort()).toEqual(
      ['200', '202', '400', '401', '413', '415', '429', '503'].sort(),
    );
  });
});
