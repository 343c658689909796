import {
  type GraphQLFieldConfigMap,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  execute,
  parse,
} from 'graphql';
import { CooperativeScheduler } from './cooperative-scheduler';
import { ExecutionBudget, budgets } from './execution-budget';
import { InflightWork } from './inflight-work';
import { type BatchSchedule, requestBatches } from './request-batches';
import DataLoader from 'dataloader';
import { limitExecution } from './limit-execution';

let clock = 0;
const now = () => clock;

/** A schema whose `items(n)` lists `n` items made by `item(i)`, beside other root fields. */
const listSchema = (
  ITEM: GraphQLObjectType,
  item: (i: number) => object,
  more: GraphQLFieldConfigMap<unknown, unknown> = {},
) =>
  new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        items: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ITEM))),
          args: { n: { type: GraphQLInt } },
          resolve: (_s, { n }: { n: number }) => Array.from({ length: n }, (_, i) => item(i)),
        },
        ...more,
      },
    }),
  });

/** A list of `n` items whose `name` resolver takes 1 ms of the fake clock each. */
const schemaOf = () =>
  listSchema(
    new GraphQLObjectType({
      name: 'Item',
      fields: {
        i: { type: new GraphQLNonNull(GraphQLInt) },
        name: {
          type: new GraphQLNonNull(GraphQLString),
          resolve: ({ i }: { i: number }) => {
            clock += 1;
            return `item-${i}`.padEnd(20, '.');
          },
        },
      },
    }),
    (i) => ({ i }),
  );

const run = (schema: GraphQLSchema, n: number, budget?: ExecutionBudget) => {
  const contextValue = {};
  if (budget) budgets.set(contextValue, budget);
  return Promise.resolve(execute({ schema, document: parse(`{ items(n: ${n}) { i name } }`), contextValue }));
};

describe('executing within limits', () => {
  beforeEach(() => (clock = 0));

  it('runs resolvers in slices, and the event loop turns between them', async () => {
    const schema = limitExecution(schemaOf(), new CooperativeScheduler(20, now));
    let turns = 0;
    let finished = false;
    const count = (): void => {
      if (finished) return;
      turns++;
      setTimeout(count, 0);
    };
    setTimeout(count, 0);
    const result = await run(
      schema,
      2_000,
      new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 1e9 }, now),
    );
    finished = true;
    expect(result.errors).toBeUndefined();
    expect((result.data as { items: unknown[] }).items).toHaveLength(2_000);
    // 2,000 ms of the fake clock in slices of about 20: timers ran between them
    expect(turns).toBeGreaterThan(20);
  });

  it("long work in pieces: many requests' pieces together take one slice per turn of the event loop", async () => {
    const scheduler = new CooperativeScheduler(20, now);
    // the fake clock at every turn of the event loop
    const turns: number[] = [];
    let finished = false;
    const mark = (): void => {
      if (finished) return;
      turns.push(clock);
      setImmediate(mark);
    };
    setImmediate(mark);
    // 40 requests, each folding 10 pieces of 5 ms (a page of teams each), all under way at once
    const folds = Array.from({ length: 40 }, async () => {
      const owner = {};
      let done = 0;
      for (let page = 0; page < 10; page++)
        done += await scheduler.piece(() => {
          clock += 5;
          return 1;
        }, owner);
      return done;
    });
    expect(await Promise.all(folds)).toEqual(Array(40).fill(10));
    finished = true;
    turns.push(clock);
    expect(clock).toBe(2_000);
    // between two turns a slice's time and one piece at most: never every request's piece at once (200 ms)
    const between = turns.slice(1).map((t, i) => t - turns[i]);
    expect(Math.max(...between)).toBeLessThanOrEqual(25);
    expect(turns.length).toBeGreaterThan(2_000 / 25);
  });

  describe("a request's batched reads over a list answered in many slices", () => {
    /** 1,000 items whose `detail` loads through one DataLoader; each resolver takes 1 ms of the fake clock. */
    const batchesOver = async (
      schedule: (scheduler: CooperativeScheduler, owner: object) => BatchSchedule | undefined,
    ) => {
      const scheduler = new CooperativeScheduler(20, now);
      const budget = new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 1e9 }, now);
      const batches: number[] = [];
      const loader = new DataLoader(
        (keys: readonly number[]) => {
          batches.push(keys.length);
          return Promise.resolve(keys.map((k) => `detail-${k}`));
        },
        { batchScheduleFn: schedule(scheduler, budget) },
      );
      const ITEM = new GraphQLObjectType({
        name: 'Item',
        fields: {
          detail: {
            type: GraphQLString,
            resolve: ({ i }: { i: number }) => {
              clock += 1;
              return loader.load(i);
            },
          },
        },
      });
      const schema = limitExecution(
        new GraphQLSchema({
          query: new GraphQLObjectType({
            name: 'Query',
            fields: {
              items: {
                type: new GraphQLList(ITEM),
                resolve: () => Array.from({ length: 1_000 }, (_, i) => ({ i })),
              },
            },
          }),
        }),
        scheduler,
      );
      const contextValue = {};
      budgets.set(contextValue, budget);
      const result = await execute({ schema, document: parse('{ items { detail } }'), contextValue });
      expect(result.errors).toBeUndefined();
      expect((result.data as { items: { detail: string }[] }).items[999]).toEqual({ detail: 'detail-999' });
      return batches;
    };

    it('by default, a batch per slice', async () => {
      expect((await batchesOver(() => undefined)).length).toBeGreaterThan(10);
    });

    it("with the request's schedule, one batch once none of its work waits for a slice", async () => {
      expect(await batchesOver((scheduler, owner) => requestBatches(scheduler, () => owner))).toEqual([
        1_000,
      ]);
    });
  });

  it('without a budget (a subscription) resolvers run as they are', async () => {
    const schema = limitExecution(schemaOf(), new CooperativeScheduler(20, now));
    const result = await run(schema, 100);
    expect(result.errors).toBeUndefined();
  });

  it('cuts at the deadline with one coded error, whatever the number of fields still to resolve', async () => {
    const schema = limitExecution(schemaOf(), new CooperativeScheduler(20, now));
    const budget = new ExecutionBudget({ deadlineMs: 50, maxResponseBytes: 1e9 }, now);
    const result = await run(schema, 1_000, budget);
    expect(result.data).toBeNull();
    expect(new Set(result.errors)).toEqual(new Set([budget.cut]));
    expect(budget.cut?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'deadlineMs',
      max: 50,
    });
  });

  it('a deadline passing between two fields of an object leaves no rejection unobserved', async () => {
    // time moves on every reading of the clock: the deadline falls between sibling fields
    const ticking = () => (clock += 0.25);
    const schema = limitExecution(schemaOf(), new CooperativeScheduler(5, ticking));
    const unobserved: unknown[] = [];
    const onUnhandled = (reason: unknown) => unobserved.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let deadlineMs = 40; deadlineMs < 60; deadlineMs++) {
        clock = 0;
        const budget = new ExecutionBudget({ deadlineMs, maxResponseBytes: 1e9 }, ticking);
        expect((await run(schema, 500, budget)).data).toBeNull();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unobserved).toEqual([]);
  });

  it('a resolver still waiting at the deadline ends the query on time, with the cut', async () => {
    const pending = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          slow: { type: GraphQLInt, resolve: () => new Promise<number>(() => undefined) },
          quick: { type: GraphQLInt, resolve: () => Promise.resolve(1) },
        },
      }),
    });
    const schema = limitExecution(pending, new CooperativeScheduler(20));
    const budget = new ExecutionBudget({ deadlineMs: 30, maxResponseBytes: 1e9 });
    const contextValue = {};
    budgets.set(contextValue, budget);
    const result = await execute({ schema, document: parse('{ quick slow }'), contextValue });
    expect(budget.cut?.extensions).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'deadlineMs',
      max: 30,
    });
    expect(result.errors).toEqual([budget.cut]);
    // answered in time: its timer is cleared
    const answered = new ExecutionBudget({ deadlineMs: 30, maxResponseBytes: 1e9 });
    const other = {};
    budgets.set(other, answered);
    expect((await execute({ schema, document: parse('{ quick }'), contextValue: other })).data).toEqual({
      quick: 1,
    });
    answered.settle();
    expect(answered.cut).toBeUndefined();
  });

  it('cuts an answer growing past its byte limit', async () => {
    const schema = limitExecution(schemaOf(), new CooperativeScheduler(20, now));
    const budget = new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 10_000 }, now);
    const result = await run(schema, 1_000, budget);
    expect(result.data).toBeNull();
    expect(budget.cut?.extensions).toMatchObject({ limit: 'responseBytes', max: 10_000 });
    expect(budget.bytes).toBeGreaterThan(10_000);
    expect(budget.bytes).toBeLessThan(11_000); // nothing resolved after the cut
    // the same query within the limit answers
    const roomy = new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 100_000 }, now);
    expect((await run(schema, 1_000, roomy)).errors).toBeUndefined();
    expect(roomy.bytes).toBeGreaterThan(JSON.stringify({ items: [] }).length + 1_000 * 30);
  });
});

describe('plain leaves: left to graphql-js, counted with the object that holds them', () => {
  beforeEach(() => (clock = 0));

  /** Items of plain leaves only (`i`, `label`) and one resolved field (`shout`). */
  const plainSchema = () => {
    const ITEM = new GraphQLObjectType({
      name: 'Item',
      fields: {
        i: { type: new GraphQLNonNull(GraphQLInt) },
        label: { type: GraphQLString },
        shout: { type: GraphQLString, resolve: ({ label }: { label: string }) => label.toUpperCase() },
      },
    });
    return listSchema(ITEM, (i) => ({ i, label: `label-${i}`.padEnd(30, '.') }), {
      first: {
        type: ITEM,
        resolve: () => Promise.resolve({ i: 0, label: 'only'.padEnd(30, '.') }),
      },
      // entries that come later, once the clock has moved past any deadline
      later: {
        type: new GraphQLList(ITEM),
        resolve: () =>
          Array.from(
            { length: 10 },
            (_, i) =>
              new Promise((resolve) =>
                setImmediate(() => {
                  clock = 1_000;
                  resolve({ i, label: `later-${i}` });
                }),
              ),
          ),
      },
      // an object whose label cannot be read
      broken: {
        type: ITEM,
        resolve: () =>
          Promise.resolve({
            i: 1,
            get label(): string {
              throw new Error('unreadable');
            },
          }),
      },
    });
  };
  const runQuery = (
    schema: GraphQLSchema,
    query: string,
    budget: ExecutionBudget,
    variableValues?: Record<string, unknown>,
  ) => {
    const contextValue = {};
    budgets.set(contextValue, budget);
    return Promise.resolve(execute({ schema, document: parse(query), contextValue, variableValues }));
  };

  it('wraps no plain leaf, and every other field', () => {
    const schema = limitExecution(plainSchema(), new CooperativeScheduler(20, now));
    const item = schema.getType('Item') as GraphQLObjectType;
    expect(item.getFields().i.resolve).toBeUndefined();
    expect(item.getFields().label.resolve).toBeUndefined();
    expect(item.getFields().shout.resolve).toBeDefined();
  });

  it.each([
    ['fields', '{ items(n: 200) { i label } }', {}],
    ['aliases', '{ items(n: 200) { i a: label b: label } }', {}],
    ['fragments', '{ items(n: 200) { ...F ... on Item { label } } } fragment F on Item { i b: label }', {}],
    [
      '@skip and @include',
      'query($y: Boolean!, $n: Boolean!) { items(n: 200) { i @skip(if: $y) label @include(if: $y) b: label @include(if: $n) } }',
      { y: true, n: false },
    ],
    ['an object resolved later', '{ first { i label } again: first { i } }', {}],
  ])('counts about the bytes of the answer, with %s', async (_, query, variables) => {
    const schema = limitExecution(plainSchema(), new CooperativeScheduler(20, now));
    const budget = new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 1e9 }, now);
    const result = await runQuery(schema, query, budget, variables);
    expect(result.errors).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve)); // a promised object is counted once it settles
    const bytes = JSON.stringify(result.data).length;
    expect(budget.bytes).toBeGreaterThan(bytes * 0.8);
    expect(budget.bytes).toBeLessThan(bytes * 1.5);
  });

  it('cuts a list of plain leaves growing past its byte limit, as its entries come', async () => {
    const schema = limitExecution(plainSchema(), new CooperativeScheduler(20, now));
    const budget = new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 10_000 }, now);
    const result = await runQuery(schema, '{ items(n: 2000) { i label } }', budget);
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([budget.cut]);
    expect(budget.cut?.extensions).toMatchObject({ limit: 'responseBytes', max: 10_000 });
    expect(budget.bytes).toBeLessThan(10_100); // the entries after the cut were not counted
  });

  it('cuts a list whose entries come later, past the deadline', async () => {
    const schema = limitExecution(plainSchema(), new CooperativeScheduler(20, now));
    const budget = new ExecutionBudget({ deadlineMs: 50, maxResponseBytes: 1e9 }, now);
    const result = await runQuery(schema, '{ later { i label } }', budget);
    expect(result.errors).toEqual(expect.arrayContaining([budget.cut]));
    expect(budget.cut?.extensions).toMatchObject({ limit: 'deadlineMs', max: 50 });
  });

  it('a plain leaf that cannot be read fails as a field, and its count rejects nothing unobserved', async () => {
    const schema = limitExecution(plainSchema(), new CooperativeScheduler(20, now));
    const unobserved: unknown[] = [];
    const onUnhandled = (reason: unknown) => unobserved.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const budget = new ExecutionBudget({ deadlineMs: 1e9, maxResponseBytes: 1e9 }, now);
      const result = await runQuery(schema, '{ broken { i label } }', budget);
      expect(result.data).toEqual({ broken: { i: 1, label: null } });
      expect(result.errors?.map((e) => e.message)).toEqual(['unreadable']);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unobserved).toEqual([]);
  });

  it('cuts a list of plain leaves at the deadline, its entries in later slices too', async () => {
    // time moves on every reading of the clock
    const ticking = () => (clock += 0.25);
    const schema = limitExecution(plainSchema(), new CooperativeScheduler(5, ticking));
    const budget = new ExecutionBudget({ deadlineMs: 40, maxResponseBytes: 1e9 }, ticking);
    const result = await runQuery(schema, '{ items(n: 20000) { i label } }', budget);
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([budget.cut]);
    expect(budget.cut?.extensions).toMatchObject({ limit: 'deadlineMs', max: 40 });
  });
});

describe('executions admitted by cost', () => {
  const budget = (deadlineMs = 60_000) => new ExecutionBudget({ deadlineMs, maxResponseBytes: 1e9 });

  it('admits while the cost in flight fits, then in arrival order as costs are released', async () => {
    const work = new InflightWork(100);
    const first = await work.admit(60, budget());
    const order: string[] = [];
    const second = work.admit(60, budget()).then((release) => (order.push('second'), release));
    const third = work.admit(10, budget()).then((release) => (order.push('third'), release));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]); // the third fits but waits behind the second
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(work.inUse).toBe(0);
  });

  it('a query costing more than the capacity runs alone', async () => {
    const work = new InflightWork(100);
    const release = await work.admit(1_000_000, budget());
    expect(work.inUse).toBe(100);
    release();
    release(); // releasing twice changes nothing
    expect(work.inUse).toBe(0);
  });

  it('one waiting past its deadline is cut with QUERY_LIMIT_EXCEEDED and leaves the queue', async () => {
    const work = new InflightWork(100);
    const held = await work.admit(100, budget());
    const waiting = budget(10);
    await expect(work.admit(50, waiting)).rejects.toMatchObject({
      extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'deadlineMs' },
    });
    held();
    expect(work.inUse).toBe(0);
    (await work.admit(100, budget()))();
  });
});
