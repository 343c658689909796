/** Posts to a running ingest gateway, as an integration would. */
export async function postEvents(
  baseUrl: string,
  body: unknown,
  options: { key?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.Authorization = `Bearer ${options.key}`;
  if (options.contentType !== '') headers['Content-Type'] = options.contentType ?? 'application/json';
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const response = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    headers,
    body: raw as NonNullable<RequestInit['body']>,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

let sequence = 0;
/** A valid native event with a unique id. */
export function sampleEvent(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    id: `evt-${Date.now()}-${sequence}`,
    type: 'team.blocked',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    source: 'e2e',
    data: { teamId: `team-${sequence % 13}`, reason: 'dependency', ...data },
    ...overrides,
  };
}
