import type { AcceptedEvent } from '@orgpulse/contracts';
import fc from 'fast-check';
import { storeKeyOf } from './event-store.repository';

const event = (orgId: string, id: string, source?: string) =>
  // a CloudEvent's id is unique within its source (idScope), a native event's within its org
  ({
    id,
    orgId,
    type: 'team.blocked',
    version: 1,
    ...(source ? { source, idScope: 'source' } : {}),
  }) as AcceptedEvent;

describe("an event's key in the store", () => {
  it('is the same exactly when org, identity source and id are (whatever characters they hold)', () => {
    const part = fc.string({ maxLength: 6, unit: fc.constantFrom('a', '1', ':', '"', ',', '[') });
    fc.assert(
      fc.property(fc.tuple(part, part, part), fc.tuple(part, part, part), ([o1, i1, s1], [o2, i2, s2]) => {
        const [a, b] = [event(o1, i1, s1), event(o2, i2, s2)];
        const same = o1 === o2 && i1 === i2 && s1 === s2;
        expect(storeKeyOf(a) === storeKeyOf(b)).toBe(same);
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells apart what one long part and two short ones would run together', () => {
    expect(storeKeyOf(event('o', '2:x', 's1'))).not.toBe(storeKeyOf(event('o', ':x', 's12')));
  });
});
