import { NOTIFY_CHANNELS, type PgListener } from '@orgpulse/persistence';
import { OrgDataVersions } from './org-data-versions';

/** PgListener as OrgDataVersions uses it: NOTIFY handlers and the connection's state. */
class FakeListener {
  listening = true;
  private readonly handlers = new Map<string, ((payload: string) => void)[]>();
  private readonly connection: ((listening: boolean) => void)[] = [];
  on(channel: string, handler: (payload: string) => void) {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }
  onListening(handler: (listening: boolean) => void) {
    this.connection.push(handler);
  }
  notify(channel: string, payload: string) {
    for (const handler of this.handlers.get(channel) ?? []) handler(payload);
  }
  reconnect() {
    this.listening = false;
    for (const handler of this.connection) handler(false);
    this.listening = true;
    for (const handler of this.connection) handler(true);
  }
}

describe("the orgs' data versions", () => {
  let listener: FakeListener;
  let versions: OrgDataVersions;
  beforeEach(() => {
    listener = new FakeListener();
    versions = new OrgDataVersions(listener as unknown as PgListener);
  });

  it('given a projection of an org, then its version moves, no other org’s', () => {
    const [a, b] = [versions.of('a'), versions.of('b')];
    listener.notify(NOTIFY_CHANNELS.projections, 'a 00-trace');
    expect(versions.of('a')).toBeGreaterThan(a);
    expect(versions.of('b')).toBe(b);
  });

  it('given a reconnection, then every org’s version moves, an org never changed before too (what it cached may be stale)', () => {
    listener.notify(NOTIFY_CHANNELS.projections, 'seen');
    const [seen, unseen] = [versions.of('seen'), versions.of('unseen')];
    listener.reconnect();
    expect(versions.of('seen')).toBeGreaterThan(seen);
    expect(versions.of('unseen')).toBeGreaterThan(unseen);
  });

  it('given changes around reconnections, then an org’s version never comes back to one it had', () => {
    const had = [versions.of('o')];
    for (const step of ['reconnect', 'notify', 'reconnect', 'reconnect', 'notify', 'wrote'] as const) {
      if (step === 'reconnect') listener.reconnect();
      else if (step === 'notify') listener.notify(NOTIFY_CHANNELS.settings, 'o');
      else versions.wrote('o');
      expect(had).not.toContain(versions.of('o'));
      had.push(versions.of('o'));
    }
  });
});
