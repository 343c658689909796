import {
  type DocumentNode,
  type GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { OrgSizes } from '@orgpulse/persistence';
import {
  type CostDeclaration,
  DEFAULT_LIST_SIZE,
  LARGEST_ORG,
  operationCost,
  sizesNeeded,
} from './query-cost';
import { QUERY_LIMITS, TEAMS_PAGE } from './query-limits';
import { queryShapeRule } from './query-shape.rule';

// A schema of the API's shapes, with the cost declarations its resolvers carry.
const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  parseValue: (value) => new Date(value as string),
  parseLiteral: (ast) => new Date(ast.kind === Kind.STRING ? ast.value : Number.NaN),
});
const Window = new GraphQLInputObjectType({
  name: 'Window',
  fields: { from: { type: new GraphQLNonNull(DateTime) }, to: { type: new GraphQLNonNull(DateTime) } },
});
const cost = (declaration: CostDeclaration) => ({ cost: declaration });
const WeekPoint = new GraphQLObjectType({
  name: 'WeekPoint',
  fields: {
    weekStart: { type: DateTime },
    idlePersonDays: { type: GraphQLFloat },
    ships: { type: GraphQLInt },
  },
});
const windowArg = { window: { type: new GraphQLNonNull(Window) } };
const Team: GraphQLObjectType = new GraphQLObjectType({
  name: 'Team',
  fields: () => ({
    id: { type: GraphQLID },
    name: { type: GraphQLString },
    reports: { type: new GraphQLList(GraphQLID) },
    weeklyTrend: {
      type: new GraphQLList(WeekPoint),
      args: windowArg,
      extensions: cost({ perWeekOf: 'window' }),
    },
    neighbours: { type: new GraphQLList(Team) },
    next: { type: Team },
  }),
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      teams: {
        type: new GraphQLList(Team),
        args: { groupId: { type: GraphQLID }, first: { type: GraphQLInt }, after: { type: GraphQLID } },
        extensions: cost({ page: TEAMS_PAGE, size: 'teamsOfGroupArgument' }),
      },
      alerts: {
        type: new GraphQLList(Team),
        args: { status: { type: GraphQLString }, first: { type: GraphQLInt } },
        extensions: cost({ page: TEAMS_PAGE, size: 'alerts' }),
      },
      team: { type: Team, args: { id: { type: GraphQLID } } },
      groupWeeklyTrend: {
        type: new GraphQLList(WeekPoint),
        args: windowArg,
        extensions: cost({ perWeekOf: 'window', overTeams: true }),
      },
    },
  }),
});

const TEN_YEARS = '{ from: "2016-01-04T00:00:00Z", to: "2026-01-05T00:00:00Z" }'; // 522 ISO weeks
const FOUR_WEEKS = '{ from: "2026-01-05T00:00:00Z", to: "2026-02-02T00:00:00Z" }';

const limitsOf = (errors: readonly GraphQLError[]) =>
  errors.map((e) => ({ limit: e.extensions.limit, max: e.extensions.max, actual: e.extensions.actual }));
const validateShape = (query: string) =>
  validate(schema, parse(query, { maxTokens: QUERY_LIMITS.maxTokens }), [
    ...specifiedRules,
    queryShapeRule(QUERY_LIMITS),
  ]);
const costOf = (
  query: string | DocumentNode,
  variables: Record<string, unknown> = {},
  sizes: OrgSizes = LARGEST_ORG,
) =>
  operationCost(
    schema,
    typeof query === 'string' ? parse(query) : query,
    undefined,
    variables,
    QUERY_LIMITS,
    sizes,
  );
const org = (sizes: Partial<OrgSizes>): OrgSizes => ({
  teams: 0,
  groups: 0,
  people: 0,
  managers: 0,
  alerts: 0,
  openAlerts: 0,
  teamsByGroup: {},
  ...sizes,
});

/** Each fragment spreads the next one twice: 2^(n-1) paths to the last one. */
const fragmentChain = (n: number) =>
  `{ teams { ...F0 } } ${Array.from({ length: n }, (_, i) =>
    i === n - 1 ? `fragment F${i} on Team { name }` : `fragment F${i} on Team { ...F${i + 1} ...F${i + 1} }`,
  ).join(' ')}`;

describe('query shape: depth and aliases, fragments measured once', () => {
  it.each([
    [8, []],
    [9, [{ limit: 'depth', max: 8, actual: 9 }]],
  ])('a query %i fields deep', (depth, refusals) => {
    const query = `{ team(id: "a") { ${'next { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;
    expect(limitsOf(validateShape(query))).toEqual(refusals);
  });

  it('counts depth through fragments and inline fragments, with a message naming the limit', () => {
    const errors = validateShape(
      `{ team(id: "a") { ...deep } } fragment deep on Team { next { ... on Team { next { next { next { next { next { next { name } } } } } } } } }`,
    );
    expect(errors.map((e) => e.message)).toEqual(['the query is 9 levels deep; at most 8 are allowed']);
    expect(errors[0].extensions.code).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('refuses a query nested 50 deep, introspection included', () => {
    const query = `{ __schema { types { fields { type ${'{ ofType '.repeat(45)}{ name }${' }'.repeat(45)} } } } }`;
    expect(limitsOf(validateShape(query))).toEqual([{ limit: 'depth', max: 8, actual: 50 }]);
  });

  it('measures a chain of 100 fragments, each spreading the next twice, without walking 2^99 paths', () => {
    expect(validateShape(fragmentChain(100))).toEqual([]); // 3 levels deep: the cost refuses it
    const aliased = `{ teams { ...F0 } } ${Array.from({ length: 100 }, (_, i) =>
      i === 99
        ? `fragment F${i} on Team { n: name }`
        : `fragment F${i} on Team { ...F${i + 1} ...F${i + 1} }`,
    ).join(' ')}`;
    expect(limitsOf(validateShape(aliased))).toEqual([{ limit: 'aliases', max: 100, actual: 2 ** 99 }]);
  });

  it('counts aliases as executed: 100 pass, 101 are refused, a fragment spread twice counts twice', () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: name`).join(' ');
    expect(validateShape(`{ team(id: "a") { ${aliases(100)} } }`)).toEqual([]);
    expect(limitsOf(validateShape(`{ team(id: "a") { ${aliases(101)} } }`))).toEqual([
      { limit: 'aliases', max: 100, actual: 101 },
    ]);
    expect(
      limitsOf(
        validateShape(
          `{ a: team(id: "a") { ...F } b: team(id: "b") { ...F } } fragment F on Team { ${aliases(50)} }`,
        ),
      ),
    ).toEqual([{ limit: 'aliases', max: 100, actual: 102 }]);
  });

  it('a document over the token limit is refused by the parser before anything else', () => {
    const aliases = Array.from(
      { length: 2_000 },
      (_, i) => `a${i}: weeklyTrend(window: ${TEN_YEARS}) { weekStart idlePersonDays }`,
    ).join(' ');
    expect(() => parse(`{ teams { ${aliases} } }`, { maxTokens: QUERY_LIMITS.maxTokens })).toThrow(
      /Document contains more that 3000 tokens/,
    );
  });
});

describe('query cost: list sizes multiply', () => {
  it('a page of teams costs its size, the default page without first', () => {
    expect(costOf('{ teams(first: 10) { id name } }')).toEqual({ cost: 1 + 10 * 2, errors: [] });
    expect(costOf('{ teams { id } }').cost).toBe(1 + TEAMS_PAGE.defaultSize);
    expect(costOf('query ($n: Int) { teams(first: $n) { id } }', { n: 3 }).cost).toBe(1 + 3);
  });

  it('a weekly trend costs its weeks; a group trend also costs the teams it sums', () => {
    expect(costOf(`{ team(id: "a") { weeklyTrend(window: ${FOUR_WEEKS}) { weekStart ships } } }`).cost).toBe(
      1 + (1 + 4 * 2),
    );
    expect(
      costOf('query ($w: Window!) { team(id: "a") { weeklyTrend(window: $w) { weekStart } } }', {
        w: { from: '2016-01-04T00:00:00Z', to: '2026-01-05T00:00:00Z' },
      }).cost,
    ).toBe(1 + (1 + 522));
    expect(
      costOf(`{ groupWeeklyTrend(window: ${FOUR_WEEKS}) { ships } }`, {}, org({ teams: 2_000 })).cost,
    ).toBe(1 + 4 * (1 + 2_000));
  });

  it('an unpaged list of objects counts DEFAULT_LIST_SIZE entries, its first when it has one; a list of ids counts once', () => {
    expect(costOf('{ team(id: "a") { neighbours { id } reports } }').cost).toBe(
      1 + (1 + DEFAULT_LIST_SIZE) + 1,
    );
  });

  it('refuses a ten-year weekly trend over every team, saying by how much', () => {
    const { cost, errors } = costOf(
      `{ teams { weeklyTrend(window: ${TEN_YEARS}) { weekStart idlePersonDays } } }`,
    );
    expect(cost).toBe(1 + 500 * (1 + 522 * 2));
    expect(limitsOf(errors)).toEqual([{ limit: 'cost', max: 100_000, actual: cost }]);
    expect(errors[0].message).toMatch(/^the query costs 522501; at most 100000 is allowed/);
  });

  it('refuses 2,000 aliases of a ten-year weekly trend even without the token limit', () => {
    const aliases = Array.from({ length: 2_000 }, (_, i) => `a${i}: weeklyTrend(window: $w) { weekStart }`);
    const { errors } = costOf(`query ($w: Window!) { team(id: "a") { ${aliases.join(' ')} } }`, {
      w: { from: '2016-01-04T00:00:00Z', to: '2026-01-05T00:00:00Z' },
    });
    expect(limitsOf(errors)).toEqual([{ limit: 'cost', max: 100_000, actual: 1 + 2_000 * (1 + 522) }]);
  });

  it('costs a chain of 100 fragments once per fragment, and refuses it', () => {
    const { errors } = costOf(fragmentChain(100));
    expect(limitsOf(errors)).toEqual([{ limit: 'cost', max: 100_000, actual: 1 + 500 * 2 ** 99 }]);
  });

  it('refuses a first over the page maximum, naming the field', () => {
    const { errors } = costOf('query ($n: Int) { teams(first: $n) { id } }', { n: 5_000 });
    expect(
      errors.map((e) => [e.extensions.limit, e.extensions.field, e.extensions.max, e.extensions.actual]),
    ).toEqual([['first', 'teams', 1_000, 5_000]]);
    expect(limitsOf(costOf('{ teams(first: -1) { id } }').errors)).toEqual([
      { limit: 'first', max: 1_000, actual: -1 },
    ]);
  });

  it("an org's actual sizes bound its lists: no more entries than it holds, its group's for a group", () => {
    const sizes = org({ teams: 3, alerts: 40, openAlerts: 2, teamsByGroup: { g: 2 } });
    expect(costOf('{ teams { id } }', {}, sizes).cost).toBe(1 + 3);
    expect(costOf('{ teams(first: 2) { id } }', {}, sizes).cost).toBe(1 + 2);
    expect(costOf('{ teams(groupId: "g") { id } }', {}, sizes).cost).toBe(1 + 2);
    expect(costOf('query ($g: ID) { teams(groupId: $g) { id } }', { g: 'other' }, sizes).cost).toBe(1);
    expect(costOf('{ alerts { id } }', {}, sizes).cost).toBe(1 + 40);
    expect(costOf('{ alerts(status: "OPEN") { id } }', {}, sizes).cost).toBe(1 + 2);
    // an org of 2,000 teams: a page is at most its first, and a 1,000 page of trends is refused
    const large = org({ teams: 2_000 });
    expect(costOf('{ teams(first: 1000) { id } }', {}, large).cost).toBe(1 + 1_000);
    expect(
      limitsOf(
        costOf(`{ teams(first: 1000) { weeklyTrend(window: ${FOUR_WEEKS}) { ships } } }`, {}, large).errors,
      ),
    ).toEqual([]);
    expect(
      costOf(`{ teams(first: 1000) { weeklyTrend(window: ${TEN_YEARS}) { ships } } }`, {}, large).errors,
    ).toHaveLength(1);
  });

  it('names the groups whose own sizes the cost needs (literal or variable groupId), and needs none without sized lists', () => {
    expect(
      sizesNeeded(
        schema,
        parse('query ($g: ID) { a: teams(groupId: "x") { id } b: teams(groupId: $g) { id } teams { id } }'),
        undefined,
        { g: 'y' },
      ),
    ).toEqual({ groupIds: ['x', 'y'] });
    expect(sizesNeeded(schema, parse('{ teams { id } }'), undefined, {})).toEqual({ groupIds: [] });
    expect(sizesNeeded(schema, parse('{ team(id: "a") { name } }'), undefined, {})).toBeUndefined();
  });

  it('lets a leadership dashboard through', () => {
    const dashboard = `query ($w: Window!) { teams { id name weeklyTrend(window: $w) { weekStart idlePersonDays ships } }
      groupWeeklyTrend(window: $w) { weekStart ships } }`;
    const window = { from: '2026-01-05T00:00:00Z', to: '2026-02-02T00:00:00Z' };
    expect(costOf(dashboard, { w: window }).errors).toEqual([]);
  });
});
