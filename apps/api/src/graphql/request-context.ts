import { type ApiPrincipal, type OrgSettings, OrgSettingsRepository } from '@orgpulse/persistence';
import { SettledMemo } from './settled-memo/settled-memo';
import { type GroupHierarchy, teamAlertRules } from '@orgpulse/domain';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import { budgets } from './execution-limits/execution-budget';
import type { CooperativeScheduler } from './execution-limits/cooperative-scheduler';
import { requestBatches } from './execution-limits/request-batches';
import { CoachingReads } from '../read-models/coaching-reads';
import { DeclaredReads } from '../read-models/declared-reads';
import { GroupReads } from '../read-models/group-reads';
import type { SharedRead } from '../read-models/shared-read';
import { PeopleReads } from '../read-models/people-reads';
import type { TeamHistoryCache } from '../read-models/team-history.cache';
import { type TeamMembership, TeamReads, type TeamView } from '../read-models/team-reads';

/** What a group-scoped token sees (contract §8): G's subtree now, and the teams whose group now is in it. */
export interface Scope {
  groups: ReadonlySet<string>;
}

// An open subscription re-reads its scope at most this often, so teams that move in or out count soon.
const SUBSCRIPTION_SCOPE_MS = 5_000;

export interface TeamPage {
  groupId?: string | null;
  first: number;
  after?: string | null;
  /** only the teams blocked now */
  blocked?: boolean;
}

// about an OrgSettings object's size in memory (ten fields)
const SETTINGS_BYTES = 512;
const COUNT_BYTES = 64;

/**
 * What one GraphQL request may read, all scoped to the token's org and, for a group-scoped token, to that
 * group's subtree now. Reads are batched per request and never cover more subjects or weeks than asked.
 */
export class RequestContext {
  readonly principal: ApiPrincipal;
  readonly teams: TeamReads;
  readonly people: PeopleReads;
  readonly coaching: CoachingReads;
  /** Any declared read model's facts over a window: what metric folders' fields read. */
  readonly declared: DeclaredReads;
  /** Values a list's resolver computed for its entries' fields (see SettledMemo). */
  readonly memo = new SettledMemo();
  private readonly groupReads: GroupReads;
  private settingsOnce?: Promise<OrgSettings>;
  private managerCount?: Promise<number>;
  private settingsRead?: OrgSettings;
  private scopeOnce?: { at: number; scope: Promise<Scope | null> };
  private readonly hierarchies = new Map<number, Promise<GroupHierarchy>>();

  constructor(
    principal: ApiPrincipal,
    private readonly db: DataSource,
    readonly req?: AuthenticatedRequest,
    private readonly clock: () => number = Date.now,
    /** Teams' timelines shared by requests (absent: each request reads what it needs). */
    teamHistories?: TeamHistoryCache,
    /**
     * The process's slices of the event loop, which long work and the request's batched reads go by
     * (absent: a piece of work after each turn; reads sent at the end of the tick, DataLoader's default).
     */
    private readonly scheduler?: CooperativeScheduler,
    /** Reads of the org shared by requests for its data version (absent: each request reads them). */
    private readonly shared?: SharedRead,
  ) {
    this.principal = principal;
    const batchScheduleFn = scheduler && requestBatches(scheduler, () => budgets.get(this));
    this.teams = new TeamReads(db, principal.orgId, teamHistories, batchScheduleFn, shared);
    this.people = new PeopleReads(db, principal.orgId, batchScheduleFn);
    this.coaching = new CoachingReads(db, principal.orgId, batchScheduleFn);
    this.declared = new DeclaredReads(db, principal.orgId, batchScheduleFn);
    this.groupReads = new GroupReads(db, principal.orgId, shared);
  }

  /**
   * A turn of the event loop between slices of long work, so what waits (a /health probe, another
   * tenant's request) runs first; past the request's deadline, or once it is cut, the work stops here.
   */
  async turn(): Promise<void> {
    await this.piece(() => undefined);
  }

  /** Throws the cut once the request is cut or past its deadline: before a read that work after it would drop. */
  stopIfCut(): void {
    budgets.get(this)?.check();
  }

  /**
   * Runs a piece of long work (a page of teams folded, a few milliseconds) in the process's slices: with
   * every request's pieces, at most a slice's time per turn of the event loop. Past the request's
   * deadline, or once it is cut, the work stops here.
   */
  async piece<T>(work: () => T): Promise<T> {
    const budget = budgets.get(this);
    const checked = () => {
      budget?.check();
      return work();
    };
    if (this.scheduler === undefined || budget === undefined) {
      await new Promise((resolve) => setImmediate(resolve));
      return checked();
    }
    return this.scheduler.piece(checked, budget);
  }

  private instant: number | undefined;

  /**
   * `now` (contract §4) for this HTTP request: the clock read once, at the first field that asks. Every
   * field of one answer describes the same instant, and the reads of many fields batch together
   * (a reading per field would key each of them to another millisecond).
   */
  now(clock: { now(): number } = { now: this.clock }): number {
    // a subscription's context lives as long as it does: each event it sends is answered at its own now
    if (this.req === undefined) return clock.now();
    return (this.instant ??= clock.now());
  }

  get orgId(): string {
    return this.principal.orgId;
  }

  /** A group-scoped token sees no person-level data: managers, reports, people. */
  get seesPeople(): boolean {
    return this.principal.groupId === null;
  }

  /** Responses differ per scope: caches key on it. */
  get cacheScope(): string {
    return JSON.stringify([this.orgId, this.principal.groupId]);
  }

  /** null for a token that sees the whole org. */
  scope(): Promise<Scope | null> {
    const groupId = this.principal.groupId;
    if (groupId === null) return Promise.resolve(null);
    const now = this.clock();
    // A request keeps the scope it started with; an open subscription's context re-reads it.
    if (this.scopeOnce === undefined || now - this.scopeOnce.at > SUBSCRIPTION_SCOPE_MS) {
      const reads =
        this.scopeOnce === undefined ? this.groupReads : new GroupReads(this.db, this.orgId, this.shared);
      const scope = reads.hierarchyAt(now).then((h) => ({ groups: h.subtreeOf(groupId) }));
      this.scopeOnce = { at: now, scope };
    }
    return this.scopeOnce.scope;
  }

  /** Whether the token sees a team as it is now: a scoped token, the teams whose group now is in its subtree. */
  async seesTeam(view: TeamView): Promise<boolean> {
    const scope = await this.scope();
    return scope === null || (view.state.groupId !== null && scope.groups.has(view.state.groupId));
  }

  async team(id: string): Promise<TeamView | null> {
    const view = await this.teams.heads.load(id);
    return view !== null && (await this.seesTeam(view)) ? view : null;
  }

  async teamsById(ids: readonly string[]): Promise<TeamView[]> {
    const views = await Promise.all(ids.map((id) => this.team(id)));
    return views.filter((v): v is TeamView => v !== null);
  }

  private readonly linked = new Map<string, Promise<TeamMembership[]>>();

  /**
   * The teams ever registered in one of these groups, as the token sees them now (their columns, not
   * their state): read once per set of groups in an HTTP request (its roll-ups over many windows of one
   * group share it); a subscription's context lives on, and reads again.
   */
  teamsLinkedTo(groups: ReadonlySet<string>): Promise<TeamMembership[]> {
    const read = async () => {
      const [memberships, scope] = await Promise.all([
        this.teams.linkedTo([...groups]).then((ids) => this.teams.memberships(ids)),
        this.scope(),
      ]);
      return scope === null
        ? memberships
        : memberships.filter((m) => m.groupId !== null && scope.groups.has(m.groupId));
    };
    if (this.req === undefined) return read();
    const key = [...groups].sort().join('\u0000');
    let views = this.linked.get(key);
    if (views === undefined) {
      views = read();
      this.linked.set(key, views);
    }
    return views;
  }

  /** Teams in id order, optionally of one group now, paged by id (one statement). */
  async listTeams({ groupId, first, after, blocked }: TeamPage): Promise<TeamView[]> {
    const groups = await this.groupsListed(groupId);
    if (groups !== undefined && groups.length === 0) return [];
    const views = await this.teams.reader.listHeads(this.orgId, {
      first,
      after: after ?? undefined,
      ...(groups === undefined ? {} : { where: { column: 'group_id', values: groups } }),
      ...(blocked === true ? { set: 'blocked_since' } : {}),
    });
    this.teams.prime(views);
    return views;
  }

  /** How many teams listTeams would list, every page together (one count). */
  async countTeams({ groupId, blocked }: Pick<TeamPage, 'groupId' | 'blocked'>): Promise<number> {
    const groups = await this.groupsListed(groupId);
    if (groups !== undefined && groups.length === 0) return 0;
    return this.teams.reader.countWhere(
      this.orgId,
      groups === undefined ? undefined : { column: 'group_id', values: groups },
      blocked === true ? 'blocked_since' : undefined,
    );
  }

  /** How many managers `managers` lists, every page together: shared by the org's requests until its data changes. */
  countManagers(): Promise<number> {
    const read = () => this.people.countManagers();
    // once a request however many aliases ask
    this.managerCount ??= this.shared ? this.shared('manager count', read, () => COUNT_BYTES, true) : read();
    return this.managerCount;
  }

  /** The groups a team list is limited to: a group asked for, a scoped token's subtree; undefined: none. */
  private async groupsListed(groupId: string | null | undefined): Promise<string[] | undefined> {
    const scope = await this.scope();
    const groups = groupId === undefined || groupId === null ? undefined : [groupId];
    if (scope === null) return groups;
    return (groups ?? [...scope.groups]).filter((g) => scope.groups.has(g));
  }

  /** The hierarchy as of t, over the groups the token may see (built once per request and t). */
  hierarchyAt(t: number): Promise<GroupHierarchy> {
    let hierarchy = this.hierarchies.get(t);
    if (hierarchy === undefined) {
      hierarchy = this.groupReads.hierarchyAt(t);
      this.hierarchies.set(t, hierarchy);
    }
    return hierarchy;
  }

  /** Whether a group id given as an argument is visible: a scoped token knows nothing outside its subtree. */
  async seesGroup(groupId: string): Promise<boolean> {
    const scope = await this.scope();
    return scope === null || scope.groups.has(groupId);
  }

  /** Whether an alert's subject is visible: for a scoped token, a team rule on a team in scope. */
  async seesAlert(alert: { rule: string; subjectId: string }): Promise<boolean> {
    const scope = await this.scope();
    if (scope === null) return true;
    if (!teamAlertRules.includes(alert.rule as (typeof teamAlertRules)[number])) return false;
    const view = await this.teams.heads.load(alert.subjectId);
    return view !== null && (await this.seesTeam(view));
  }

  /**
   * The org's settings, once per context (a subscription's keeps its first read); shared by the org's
   * requests while its data version holds.
   */
  settings(): Promise<OrgSettings> {
    const read = () => new OrgSettingsRepository(this.db).get(this.orgId);
    this.settingsOnce ??= (this.shared ? this.shared('settings', read, () => SETTINGS_BYTES) : read()).then(
      (settings) => (this.settingsRead = settings),
    );
    return this.settingsOnce;
  }

  /**
   * A value of the org at now, shared by its requests as answers are: at the data version the request
   * started at, for at most `API_RESULT_CACHE_MS` after its computation started (so computed about that
   * long before this request's now at most). Without the API's cache, computed here.
   */
  sharedAtNow<V>(name: string, compute: () => Promise<V>, bytesOf: (value: V) => number): Promise<V> {
    return this.shared ? this.shared(name, compute, bytesOf) : compute();
  }

  /** The settings once read (fields of a long list use them without waiting). */
  settingsIfRead(): OrgSettings | undefined {
    return this.settingsRead;
  }

  /** A value computed from the settings: at once once they are read. */
  withSettings<R>(use: (settings: OrgSettings) => R | Promise<R>): R | Promise<R> {
    return this.settingsRead !== undefined ? use(this.settingsRead) : this.settings().then(use);
  }
}
