import {
  type ApiPrincipal,
  MetricsReadModelsRepository,
  type OrgSettings,
  OrgSettingsRepository,
} from '@orgpulse/persistence';
import type { OneOnOne, PersonTimeline, TeamTimeline } from '@orgpulse/domain';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.middleware';

/**
 * What one GraphQL request may read, all scoped to the token's org. Loaders batch and cache per
 * request, so a dashboard over many teams costs a fixed number of SQL statements.
 */
export class RequestContext {
  readonly principal: ApiPrincipal;
  readonly teams: DataLoader<string, TeamTimeline | null>;
  readonly oneOnOnes: DataLoader<string, OneOnOne[]>;
  private readonly readModels: MetricsReadModelsRepository;
  private people?: Promise<PersonTimeline[]>;
  private settingsOnce?: Promise<OrgSettings>;
  private managersOnce?: Promise<string[]>;

  constructor(
    principal: ApiPrincipal,
    private readonly db: DataSource,
    readonly req?: AuthenticatedRequest,
  ) {
    this.principal = principal;
    const orgId = this.principal.orgId;
    this.readModels = new MetricsReadModelsRepository(db);
    this.teams = new DataLoader(async (ids) => {
      const found = new Map((await this.readModels.teamTimelines(orgId, ids)).map((t) => [t.teamId, t]));
      return ids.map((id) => found.get(id) ?? null);
    });
    this.oneOnOnes = new DataLoader(async (ids) => {
      const found = await this.readModels.oneOnOnes(orgId, ids);
      return ids.map((id) => found.get(id) ?? []);
    });
  }

  get orgId(): string {
    return this.principal.orgId;
  }

  /** Lists prime the per-id loader, so fields of listed teams cost nothing more. */
  async listTeams(
    options: Parameters<MetricsReadModelsRepository['listTeamTimelines']>[1],
  ): Promise<TeamTimeline[]> {
    const teams = await this.readModels.listTeamTimelines(this.orgId, options);
    for (const team of teams) this.teams.prime(team.teamId, team);
    return teams;
  }

  allPeople(): Promise<PersonTimeline[]> {
    this.people ??= this.readModels.personTimelines(this.orgId);
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
}
