import { parseAcceptedEvent } from './parse-accepted-event';

const accepted = {
  id: 'evt-1',
  type: 'team.blocked',
  occurredAt: '2026-11-20T09:00:00Z',
  source: 'jira',
  data: { teamId: 'payments', reason: 'dependency' },
  version: 1,
  orgId: '9b2f7c1e-1d2a-4c3b-9a8e-0f1e2d3c4b5a',
  ingestedAt: '2026-11-21T12:00:00.000Z',
};
const record = (fields: Record<string, unknown>) => JSON.stringify({ ...accepted, ...fields });
// Written by hand: JSON.stringify would escape these the same way, but this is exactly what a producer may send.
const raw = (dataJson: string) =>
  `{"id":"evt-1","type":"team.blocked","occurredAt":"2026-11-20T09:00:00Z","data":${dataJson},` +
  `"version":1,"orgId":"${accepted.orgId}","ingestedAt":"2026-11-21T12:00:00.000Z"}`;

/** The projector's parse step: poison produced straight to Kafka is refused here, so it is dead-lettered. */
describe('parseAcceptedEvent', () => {
  it('reads back what ingest produces', () => {
    expect(parseAcceptedEvent(Buffer.from(record({})))).toEqual({ ok: true, event: accepted });
  });

  it.each<[string, Buffer | string, RegExp]>([
    // [given a record value, then the error]
    ['occurredAt in year 0000', record({ occurredAt: '0000-01-01T00:00:00Z' }), /^occurredAt .*0001 to 9999/],
    ['occurredAt in 10000 in UTC', record({ occurredAt: '9999-12-31T23:00:00-01:00' }), /^occurredAt .*9999/],
    [
      'ingestedAt in year 10000',
      record({ ingestedAt: '+010000-01-01T00:00:00.000Z' }),
      /^ingestedAt must be an RFC/,
    ],
    [
      'ingestedAt in year 0000',
      record({ ingestedAt: '0000-01-01T00:00:00.000Z' }),
      /^ingestedAt .*0001 to 9999/,
    ],
    [
      'ingestedAt not RFC 3339',
      record({ ingestedAt: 'Sat, 21 Nov 2026 12:00:00 GMT' }),
      /^ingestedAt must be/,
    ],
    [
      'a \\u0000 escape in data',
      raw('{"teamId":"t","reason":"other","note":"\\u0000"}'),
      /^data\.note .*U\+0000/,
    ],
    [
      'a raw NUL byte in a string (not JSON)',
      Buffer.from(raw('{"teamId":"t","reason":"other","x":"a\u0000"}')),
      /^value is not JSON/,
    ],
    [
      'a \\u0000 escape in a key',
      raw('{"teamId":"t","reason":"other","k\\u0000":1}'),
      /^data\.k\\u0000 field name/,
    ],
    [
      'a \\ud800 escape in data',
      raw('{"teamId":"t","reason":"other","note":"\\ud800"}'),
      /^data\.note .*surrogate/,
    ],
    [
      'a \\udc00 escape in a key',
      raw('{"teamId":"t","reason":"other","\\udc00":1}'),
      /^data\.\\udc00 field name/,
    ],
    ['a \\u0000 escape in id', record({ id: 'a\u0000' }), /^id .*U\+0000/],
    ['a lone surrogate in source', record({ source: '\ud800' }), /^source .*surrogate/],
    [
      'data nested 100 levels',
      raw(`{"teamId":"t","reason":"other","d":${'['.repeat(100)}${']'.repeat(100)}}`),
      /nested deeper/,
    ],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      /^value is not valid UTF-8$/,
    ],
    [
      'an id over 128 characters',
      record({ id: 'x'.repeat(129) }),
      /^id must NOT have more than 128 characters/,
    ],
  ])('given %s, it refuses the record', (_given, value, error) => {
    const parsed = parseAcceptedEvent(value);
    expect(parsed).toEqual({ ok: false, error: expect.stringMatching(error) });
  });

  it('never puts U+0000 or an unpaired surrogate in its error (it is stored and sent as a header)', () => {
    const parsed = parseAcceptedEvent(
      raw('{"teamId":"t","reason":"other","\\u0000\\ud800":{"\\udc00":"\\u0000"}}'),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).not.toContain('\u0000');
    expect(parsed.error).not.toMatch(/[\ud800-\udfff]/);
    expect(parsed.error).toContain('data.\\u0000\\ud800 field name');
  });

  describe('a record marked validated by its producer', () => {
    const unchecked = record({ data: { teamId: 'payments', reason: 'no such reason' } });

    it('is trusted with its content: only a record without the mark is validated again', () => {
      expect(parseAcceptedEvent(unchecked, true)).toEqual({ ok: true, event: JSON.parse(unchecked) });
      expect(parseAcceptedEvent(unchecked)).toEqual({
        ok: false,
        error: expect.stringMatching(/^data\.reason must be one of/),
      });
    });

    it.each<[string, Buffer | string, RegExp]>([
      // [given a marked record value, then the error]
      ['not JSON', '{"id":"evt-1",', /^value is not JSON/],
      ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), /^value is not valid UTF-8$/],
      ['no org', record({ orgId: undefined }), /^orgId is missing/],
      ['another version', record({ version: 2 }), /^version must be 1/],
      ['no ingestedAt', record({ ingestedAt: 7 }), /^ingestedAt is missing/],
      ['no id', record({ id: '' }), /but id must be a non-empty string/],
      ['an unknown type', record({ type: 'team.exploded' }), /but type is not a known event type/],
      ['occurredAt not a string', record({ occurredAt: 1 }), /but occurredAt must be a string/],
      ['source not a string', record({ source: {} }), /but source must be a string/],
      ['data an array', record({ data: [] }), /but data must be an object/],
    ])('still has its shape checked: given %s, it refuses it', (_given, value, error) => {
      expect(parseAcceptedEvent(value, true)).toEqual({ ok: false, error: expect.stringMatching(error) });
    });
  });
});
