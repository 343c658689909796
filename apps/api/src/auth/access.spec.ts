import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLOutputType,
} from 'graphql';
import { ACCESS_EXTENSION, type FieldAccess, accessProblems, emptiestValue, printAccess } from './access';

const Freshness = new GraphQLObjectType({
  name: 'Freshness',
  fields: { at: { type: GraphQLString }, lag: { type: GraphQLFloat } },
});
const Overview = new GraphQLObjectType({
  name: 'Overview',
  fields: { teams: { type: new GraphQLNonNull(GraphQLFloat) } },
});

const PageInfo = new GraphQLObjectType({
  name: 'PageInfo',
  fields: { hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) }, endCursor: { type: GraphQLString } },
});
const PersonConnection = new GraphQLObjectType({
  name: 'PersonConnection',
  fields: {
    edges: { type: new GraphQLNonNull(new GraphQLList(Freshness)) },
    pageInfo: { type: new GraphQLNonNull(PageInfo) },
    totalCount: { type: new GraphQLNonNull(GraphQLInt) },
  },
});

const field = (type: GraphQLOutputType, access?: FieldAccess): GraphQLFieldConfig<unknown, unknown> => ({
  type,
  extensions: access === undefined ? {} : { [ACCESS_EXTENSION]: access },
});

const schemaOf = (
  query: Record<string, GraphQLFieldConfig<unknown, unknown>>,
  mutation: Record<string, GraphQLFieldConfig<unknown, unknown>> = {},
) =>
  new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    ...(Object.keys(mutation).length > 0
      ? { mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }) }
      : {}),
  });

describe('emptiestValue: what a field declared `nothing` answers a group-scoped token', () => {
  it.each([
    { type: GraphQLString, then: { value: null } },
    { type: new GraphQLNonNull(new GraphQLList(GraphQLString)), then: { value: [] } },
    { type: new GraphQLNonNull(Freshness), then: { value: { at: null, lag: null } } },
    { type: new GraphQLNonNull(Overview), then: undefined },
    {
      type: new GraphQLNonNull(PersonConnection),
      then: { value: { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 } },
    },
    { type: new GraphQLNonNull(GraphQLString), then: undefined },
  ])('given $type: $then', ({ type, then }) => {
    expect(emptiestValue(type)).toEqual(then);
  });
});

describe('accessProblems: every root field says who may call it and what a scoped token gets', () => {
  const viewers: FieldAccess['roles'] = ['viewer', 'admin'];
  it.each([
    {
      given: 'a declared field',
      fields: { teams: field(GraphQLString, { roles: viewers, groupScoped: 'subtree' }) },
      then: [],
    },
    {
      given: 'no declaration',
      fields: { teams: field(GraphQLString) },
      then: ['query teams declares no role that may call it'],
    },
    {
      given: 'a viewer field silent on scoped tokens',
      fields: { people: field(GraphQLString, { roles: viewers }) },
      then: ['query people lets viewers call it but says nothing of group-scoped tokens'],
    },
    {
      given: 'an admin field with a scope',
      fields: { webhooks: field(GraphQLString, { roles: ['admin'], groupScoped: 'org' }) },
      then: ['query webhooks is for admins only, who are never group-scoped: drop groupScoped'],
    },
    {
      given: 'nothing on a type without an empty value',
      fields: { overview: field(new GraphQLNonNull(Overview), { roles: viewers, groupScoped: 'nothing' }) },
      then: ['query overview is declared nothing for group-scoped tokens, but Overview! has no empty value'],
    },
  ] as { given: string; fields: Record<string, GraphQLFieldConfig<unknown, unknown>>; then: string[] }[])(
    'given $given',
    ({ fields, then }) => {
      expect(accessProblems(schemaOf(fields))).toEqual(then);
    },
  );

  it('refuses nothing on a subscription (an empty answer would end it, not hide it)', () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { ok: field(GraphQLString, { roles: ['admin'] }) },
      }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: { changed: field(GraphQLString, { roles: viewers, groupScoped: 'nothing' }) },
      }),
    });
    expect(accessProblems(schema)).toEqual([
      'subscription changed is a subscription: nothing for group-scoped tokens would end it, declare subtree',
    ]);
  });

  it('refuses a mutation open to viewers (contract §1)', () => {
    const schema = schemaOf(
      { ok: field(GraphQLString, { roles: ['admin'] }) },
      { update: field(GraphQLString, { roles: viewers, groupScoped: 'org' }) },
    );
    expect(accessProblems(schema)).toEqual(['mutation update is a mutation: admins only (contract §1)']);
  });
});

describe('printAccess', () => {
  it('lists each root field with its roles and what a scoped token gets', () => {
    const text = printAccess(
      schemaOf({
        people: field(new GraphQLNonNull(new GraphQLList(GraphQLString)), {
          roles: ['viewer', 'admin'],
          groupScoped: 'nothing',
        }),
        webhooks: field(GraphQLString, { roles: ['admin'] }),
      }),
    );
    expect(text).toContain('| query | `people` | viewer, admin | nothing (the emptiest answer) |');
    expect(text).toContain('| query | `webhooks` | admin | — (admins only) |');
  });
});
