import type { EventProblem } from '@orgpulse/contracts';

const CE_ATTRIBUTES: Record<string, string> = {
  id: 'id',
  type: 'type',
  time: 'occurredAt',
  source: 'source',
  data: 'data',
};

/**
 * Maps a structured-mode CloudEvent 1.0 onto the native envelope (contract §2), so both are
 * validated and recorded alike. Extension attributes are CloudEvents' own and are not carried.
 */
export function fromCloudEvent(
  input: unknown,
  index: number,
): { envelope?: unknown; problems: EventProblem[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { problems: [{ index, path: '', message: 'must be a CloudEvent JSON object' }] };
  }
  const event = input as Record<string, unknown>;
  const id = typeof event.id === 'string' ? event.id : undefined;
  if (event.specversion !== '1.0') {
    return { problems: [{ index, id, path: 'specversion', message: 'must be "1.0"' }] };
  }
  const envelope: Record<string, unknown> = {};
  for (const [attribute, field] of Object.entries(CE_ATTRIBUTES)) {
    if (Object.prototype.hasOwnProperty.call(event, attribute)) envelope[field] = event[attribute];
  }
  return { envelope, problems: [] };
}
