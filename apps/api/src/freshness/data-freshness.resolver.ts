import { Context, Field, Float, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { col, rowShape, selectRow } from '@orgpulse/persistence';
import { DataSource } from 'typeorm';
import { Access } from '../auth/access.decorator';
import { Clock } from '../graphql/clock';
import type { RequestContext } from '../graphql/request-context';
import { DateTime } from '../graphql/date-time.scalar';

const LAST_EVENT_ROW = rowShape('latest stored event times', {
  ingested_at: col.date(),
  recorded_at: col.date(),
});

@ObjectType('DataFreshness', { description: 'How current the figures are: the latest event projected' })
export class DataFreshnessModel {
  @Field(() => DateTime, { nullable: true, description: 'When ingest accepted it' })
  lastEventIngestedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it reached the read models' })
  lastEventProjectedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Seconds from ingest to projection (projection lag)' })
  projectionLagSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Seconds since it was projected' })
  ageSeconds!: number | null;
}

@Resolver()
export class DataFreshnessResolver {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  @Query(() => DataFreshnessModel, {
    description:
      "The org's latest projected event, for freshness; every field null for a group-scoped token (that event may lie outside its subtree)",
  })
  @Access({ roles: ['viewer', 'admin'], groupScoped: 'nothing' })
  async dataFreshness(@Context() ctx: RequestContext): Promise<DataFreshnessModel> {
    const unknown = {
      lastEventIngestedAt: null,
      lastEventProjectedAt: null,
      projectionLagSeconds: null,
      ageSeconds: null,
    };
    // the primary key read backwards: the newest rows come first, whatever the org's size
    const last = await selectRow(
      this.db,
      LAST_EVENT_ROW,
      `SELECT ingested_at, recorded_at FROM event_store WHERE org_id = $1 ORDER BY position DESC LIMIT 1`,
      [ctx.orgId],
    );
    if (last === undefined) return unknown;
    return {
      lastEventIngestedAt: last.ingested_at,
      lastEventProjectedAt: last.recorded_at,
      projectionLagSeconds: Math.max(0, last.recorded_at.getTime() - last.ingested_at.getTime()) / 1000,
      ageSeconds: Math.max(0, ctx.now(this.clock) - last.recorded_at.getTime()) / 1000,
    };
  }
}
