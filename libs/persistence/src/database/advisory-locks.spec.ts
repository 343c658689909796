import { ADVISORY_LOCKS } from './advisory-locks';

describe('advisory lock keys', () => {
  it('are distinct: a shared key once made a starting projector wait forever on the relay of another', () => {
    const keys = Object.values(ADVISORY_LOCKS);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
