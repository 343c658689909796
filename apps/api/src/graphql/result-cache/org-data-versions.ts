import { NOTIFY_CHANNELS, type PgListener, parseProjectionNotice } from '@orgpulse/persistence';

/**
 * Two counters per org. The data version moves whenever the org's read models or settings change (the
 * projector's NOTIFY, a settings update's) or a mutation of this instance changes what its queries answer: entries
 * computed under an older one are stale (served only while one request computes them again, within
 * the staleness bound). The write epoch moves only with this instance's mutations: cache keys carry
 * it, so a client that changed something never reads the answer from before its change.
 */
export class OrgDataVersions {
  private readonly versions = new Map<string, number>();
  private readonly epochs = new Map<string, number>();
  /** The version of an org not seen yet: raised at each reconnection, as every seen org's is. */
  private unseen = 0;

  constructor(private readonly listener: PgListener) {
    listener.on(NOTIFY_CHANNELS.projections, (notice) => {
      if (notice) this.bump(parseProjectionNotice(notice).orgId);
    });
    // the settings are part of what queries answer (costs, targets, thresholds)
    listener.on(NOTIFY_CHANNELS.settings, (orgId) => {
      if (orgId) this.bump(orgId);
    });
    // whatever changed while nobody listened is unknown: every version seen so far is stale
    listener.onListening((listening) => {
      if (!listening) return;
      for (const orgId of this.versions.keys()) this.bump(orgId);
      // entries of an org never bumped are stale too: some are shared until the data changes
      this.unseen += 1;
    });
  }

  /** False while the listener is down: changes could go unseen, so nothing may be served from cache. */
  get listening(): boolean {
    return this.listener.listening;
  }

  of(orgId: string): number {
    return this.versions.get(orgId) ?? this.unseen;
  }

  epochOf(orgId: string): number {
    return this.epochs.get(orgId) ?? 0;
  }

  bump(orgId: string): void {
    this.versions.set(orgId, this.of(orgId) + 1);
  }

  /** A mutation of this instance: the org's cached answers are unusable at once. */
  wrote(orgId: string): void {
    this.bump(orgId);
    this.epochs.set(orgId, this.epochOf(orgId) + 1);
  }
}
