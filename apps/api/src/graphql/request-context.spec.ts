import type { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import { RequestContext } from './request-context';

const principal = { orgId: '00000000-0000-4000-8000-000000000001', role: 'viewer' as const, groupId: null };
const db = { query: () => Promise.resolve([]) } as unknown as DataSource;

describe("a request's now (contract §4)", () => {
  it('an HTTP request reads the clock once: every field of its answer is at the same instant', () => {
    let t = 1_000;
    const clock = { now: () => t++ };
    const ctx = new RequestContext(principal, db, {} as AuthenticatedRequest);
    expect([ctx.now(clock), ctx.now(clock), ctx.now(clock)]).toEqual([1_000, 1_000, 1_000]);
  });

  it("a subscription's context answers each event at its own now", () => {
    let t = 1_000;
    const clock = { now: () => t++ };
    const ctx = new RequestContext(principal, db);
    expect([ctx.now(clock), ctx.now(clock)]).toEqual([1_000, 1_001]);
  });
});
