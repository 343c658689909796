import {
  type ApiPrincipal,
  MetricsReadModelsRepository,
  type OrgSettings,
  OrgSettingsRepository,
} from '@orgpulse/persistence';
import {
  type GroupAt,
  GroupHierarchy,
  type GroupTimeline,
  type OneOnOne,
  type PersonTimeline,
  type TeamTimeline,
  groupAt,
  teamAlertRules,
} from '@orgpulse/domain';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import type { ReadModelSnapshots } from './read-model-snapshots/read-model-snapshots';

/** What a group-scoped token sees (contract §8): G's subtree now, and the teams whose group now is in it. */
export interface Scope {
  groups: ReadonlySet<string>;
  teams: ReadonlySet<string>;
}

// An open subscription re-reads its scope at most this often, so teams that move in or out count soon.
const SUBSCRIPTION_SCOPE_MS = 5_000;

/**
 * What one GraphQL request may read, all scoped to the token's org and, for a group-scoped token, to
 * that group's subtree. Loaders batch and cache per request, so a dashboard over many teams or groups
 * costs a fixed number of SQL statements.
 */
export class RequestContext {
  readonly principal: ApiPrincipal;
  readonly teams: DataLoader<string, TeamTimeline | null>;
  readonly oneOnOnes: DataLoader<string, OneOnOne[]>;
  private readonly readModels: MetricsReadModelsRepository;
  private people?: Promise<PersonTimeline[]>;
  private settingsOnce?: Promise<OrgSettings>;
  private managersOnce?: Promise<string[]>;
  private oneOnOnesOnce?: Promise<Map<string, OneOnOne[]>>;
  private allTeamsOnce?: Promise<TeamTimeline[]>;
  private groupsOnce?: Promise<GroupTimeline[]>;
  private scopeOnce?: { at: number; scope: Promise<Scope | null> };
  private readonly hierarchies = new Map<number, Promise<GroupHierarchy>>();
  private readonly visible = new Map<number, Promise<Map<string, GroupAt>>>();

  constructor(
    principal: ApiPrincipal,
    private readonly db: DataSource,
    readonly req?: AuthenticatedRequest,
    private readonly clock: () => number = Date.now,
    /** The org's whole read models shared by the requests of a data version (absent: read per request). */
    private readonly snapshots?: ReadModelSnapshots,
  ) {
    this.principal = principal;
    const orgId = this.principal.orgId;
    this.readModels = new MetricsReadModelsRepository(db);
    this.teams = new DataLoader(async (ids) => {
      const [found, scope] = await Promise.all([this.readModels.teamTimelines(orgId, ids), this.scope()]);
      const byId = new Map(found.filter((t) => inScope(scope, t)).map((t) => [t.teamId, t]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.oneOnOnes = new DataLoader(async (ids) => {
      const found = await this.readModels.oneOnOnes(orgId, ids);
      return ids.map((id) => found.get(id) ?? []);
    });
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
      const fresh = this.scopeOnce !== undefined;
      const scope = Promise.all([
        fresh ? this.readModels.groupTimelines(this.orgId) : this.groupTimelines(),
        fresh ? this.readModels.listTeamTimelines(this.orgId) : this.unscopedTeams(),
      ]).then(([groups, teams]) => scopeOf(groupId, groups, teams, now));
      this.scopeOnce = { at: now, scope };
    }
    return this.scopeOnce.scope;
  }

  /** Every team the token may see, in id order (one statement, whatever the number of teams). */
  async allTeams(): Promise<TeamTimeline[]> {
    const [teams, scope] = await Promise.all([this.unscopedTeams(), this.scope()]);
    return teams.filter((t) => inScope(scope, t));
  }

  /** Lists prime the per-id loader, so fields of listed teams cost nothing more. */
  async listTeams(
    options: Parameters<MetricsReadModelsRepository['listTeamTimelines']>[1] = {},
  ): Promise<TeamTimeline[]> {
    const scope = await this.scope();
    const teams =
      scope === null && (this.snapshots === undefined || options.after !== undefined)
        ? await this.readModels.listTeamTimelines(this.orgId, options)
        : // the org's teams are in memory: filter them (in the store's id order; `after` reads the store)
          (await this.allTeams())
            .filter((t) => options.groupId === undefined || t.groupId === options.groupId)
            .filter((t) => options.after === undefined || t.teamId > options.after)
            .slice(0, options.first);
    for (const team of teams) this.teams.prime(team.teamId, team);
    return teams;
  }

  /** The hierarchy as of t, over the groups and teams the token may see (built once per request and t). */
  hierarchyAt(t: number): Promise<GroupHierarchy> {
    let hierarchy = this.hierarchies.get(t);
    if (hierarchy === undefined) {
      hierarchy = Promise.all([this.groupTimelines(), this.allTeams(), this.scope()]).then(
        ([groups, teams, scope]) =>
          new GroupHierarchy(
            scope === null ? groups : groups.filter((g) => scope.groups.has(g.groupId)),
            teams,
            t,
          ),
      );
      this.hierarchies.set(t, hierarchy);
    }
    return hierarchy;
  }

  /** The groups the token sees at `now`, by id: every group, or a scoped token's subtree. */
  visibleGroups(now: number): Promise<Map<string, GroupAt>> {
    let visible = this.visible.get(now);
    if (visible === undefined) {
      visible = Promise.all([this.hierarchyAt(now), this.scope()]).then(
        ([hierarchy, scope]) =>
          new Map(
            hierarchy
              .all()
              .filter((g) => scope === null || scope.groups.has(g.id))
              .map((g) => [g.id, g]),
          ),
      );
      this.visible.set(now, visible);
    }
    return visible;
  }

  /** Whether a group id given as an argument is visible: a scoped token knows nothing outside its subtree. */
  async seesGroup(groupId: string): Promise<boolean> {
    const scope = await this.scope();
    return scope === null || scope.groups.has(groupId);
  }

  /** Whether an alert's subject is visible: for a scoped token, a team rule on a team in scope. */
  async seesAlert(alert: { rule: string; subjectId: string }): Promise<boolean> {
    const scope = await this.scope();
    return (
      scope === null ||
      (teamAlertRules.includes(alert.rule as (typeof teamAlertRules)[number]) &&
        scope.teams.has(alert.subjectId))
    );
  }

  allPeople(): Promise<PersonTimeline[]> {
    this.people ??= this.shared('people', () => this.readModels.personTimelines(this.orgId));
    return this.people;
  }

  settings(): Promise<OrgSettings> {
    this.settingsOnce ??= new OrgSettingsRepository(this.db).get(this.orgId);
    return this.settingsOnce;
  }

  managersWithOneOnOnes(): Promise<string[]> {
    this.managersOnce ??= this.readModels.managersWithOneOnOnes(this.orgId);
    return this.managersOnce;
  }

  allOneOnOnes(): Promise<Map<string, OneOnOne[]>> {
    this.oneOnOnesOnce ??= this.readModels.allOneOnOnes(this.orgId);
    return this.oneOnOnesOnce;
  }

  private unscopedTeams(): Promise<TeamTimeline[]> {
    this.allTeamsOnce ??= this.shared('teams', () => this.readModels.listTeamTimelines(this.orgId));
    return this.allTeamsOnce;
  }

  private groupTimelines(): Promise<GroupTimeline[]> {
    this.groupsOnce ??= this.shared('groups', () => this.readModels.groupTimelines(this.orgId));
    return this.groupsOnce;
  }

  private shared<T>(kind: string, read: () => Promise<T>): Promise<T> {
    return this.snapshots ? this.snapshots.of(this.orgId, kind, read) : read();
  }
}

const inScope = (scope: Scope | null, team: TeamTimeline) => scope === null || scope.teams.has(team.teamId);

function scopeOf(groupId: string, groups: GroupTimeline[], teams: TeamTimeline[], now: number): Scope {
  const subtree = new GroupHierarchy(groups, teams, now).subtreeOf(groupId);
  return {
    groups: subtree,
    teams: new Set(
      teams
        .filter((t) => {
          const group = groupAt(t, now);
          return group !== null && subtree.has(group);
        })
        .map((t) => t.teamId),
    ),
  };
}
