import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, validate } from 'graphql';
import { complexityLimitPlugin, maxDepthRule } from './query-limits';

const Node: GraphQLObjectType = new GraphQLObjectType({
  name: 'Node',
  fields: () => ({ name: { type: GraphQLString }, child: { type: Node } }),
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { node: { type: Node } } }),
});
const nested = (depth: number) => `{ node { ${'child { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;

describe('query limits', () => {
  it.each([
    [3, 3, []],
    [4, 3, ['the query is 4 levels deep; at most 3 are allowed']],
  ])('a query %i levels deep, limit %i', (depth, max, messages) => {
    expect(validate(schema, parse(nested(depth)), [maxDepthRule(max)]).map((e) => e.message)).toEqual(
      messages,
    );
  });

  it('counts depth through fragments', () => {
    const query = parse('{ node { ...deep } } fragment deep on Node { child { child { name } } }');
    expect(validate(schema, query, [maxDepthRule(3)]).map((e) => e.message)).toEqual([
      'the query is 4 levels deep; at most 3 are allowed',
    ]);
  });

  it('refuses a query costing more than the limit, counting with its variables', async () => {
    const plugin = complexityLimitPlugin(5);
    const listener = await plugin.requestDidStart();
    const run = (query: string) =>
      listener.didResolveOperation({ request: { variables: {} }, document: parse(query), schema });
    await expect(run('{ node { name } }')).resolves.toBeUndefined();
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: name`).join(' ');
    await expect(run(`{ node { ${aliases} } }`)).rejects.toThrow(/query complexity 7 exceeds the limit of 5/);
  });
});
