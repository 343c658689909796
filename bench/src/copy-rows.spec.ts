import type { AcceptedEvent } from '@orgpulse/contracts';
import { eventStoreCopyLine } from './copy-rows';

describe('COPY text lines', () => {
  const event = {
    id: 'e-1',
    type: 'team.blocked',
    version: 1,
    orgId: '00000000-0000-4000-8000-000000000001',
    ingestedAt: '2026-11-20T10:00:00.000Z',
    occurredAt: '2026-11-20T09:00:00Z',
    data: { teamId: 't\t1', reason: 'other', note: 'a\\b\nc' },
  } as AcceptedEvent;

  it('escapes backslashes, tabs and newlines; a missing source is NULL', () => {
    const line = eventStoreCopyLine(event, 2, 41);
    expect(line.endsWith('\n')).toBe(true);
    const fields = line.slice(0, -1).split('\t');
    expect(fields).toHaveLength(11);
    expect(fields.slice(0, 5)).toEqual([
      '00000000-0000-4000-8000-000000000001',
      'e-1',
      'team.blocked',
      '1',
      'team:t\\t1',
    ]);
    expect(fields[7]).toBe('\\N');
    expect(fields.slice(8, 10)).toEqual(['2', '41']);
    // JSON's own escapes (\t, \\, \n) reach PostgreSQL with their backslashes doubled
    expect(fields[10]).toBe('{"teamId":"t\\\\t1","reason":"other","note":"a\\\\\\\\b\\\\nc"}');
  });
});
