import { type GraphQLObjectType, buildSchema, execute, parse } from 'graphql';
import { type FieldResolverMethod, callFieldResolversDirectly } from './direct-field-resolvers';

const SDL = `
  input Span { from: Int!, to: Int! }
  type Thing { id: ID!, label(span: Span!, step: Int): String!, tenant: String!, whole: String!, piped: Int! }
  type Query { things: [Thing!]! }
`;

class ThingsResolver {
  readonly calls: unknown[][] = [];
  constructor(private readonly offset: number) {}

  label(thing: { id: string }, ctx: { tenant: string }, span: { from: number; to: number }, step?: number) {
    this.calls.push([thing, ctx, span, step]);
    return `${ctx.tenant}/${thing.id}/${span.from}-${span.to}/${(step ?? 0) + this.offset}`;
  }

  tenantOf(tenant: string) {
    return tenant;
  }

  whole(args: Record<string, unknown>, info: { fieldName: string }, thing: { id: string }) {
    return `${info.fieldName}:${JSON.stringify(args)}:${thing.id}`;
  }

  piped(n: number) {
    return n;
  }
}

const method = (
  m: Partial<FieldResolverMethod> & Pick<FieldResolverMethod, 'method' | 'fieldName' | 'params'>,
) => ({
  owner: ThingsResolver,
  typeName: 'Thing',
  ...m,
});

const METHODS: FieldResolverMethod[] = [
  method({
    method: 'label',
    fieldName: 'label',
    params: [
      { from: 'parent' },
      { from: 'context' },
      { from: 'args', name: 'span' },
      { from: 'args', name: 'step' },
    ],
  }),
  method({ method: 'tenantOf', fieldName: 'tenant', params: [{ from: 'context', key: 'tenant' }] }),
  method({
    method: 'whole',
    fieldName: 'whole',
    params: [{ from: 'args' }, { from: 'info' }, { from: 'parent' }],
  }),
  method({
    method: 'piped',
    fieldName: 'piped',
    params: [{ from: 'args', name: 'n' }],
    needsNest: 'parameter 0: pipes',
  }),
];

describe('callFieldResolversDirectly', () => {
  it('calls the method on its instance with what each parameter asks for, and adds no promise', () => {
    const schema = buildSchema(SDL);
    const instance = new ThingsResolver(100);
    callFieldResolversDirectly(schema, METHODS, () => instance);
    const { label } = (schema.getType('Thing') as GraphQLObjectType).getFields();
    const thing = { id: 'a' };
    const ctx = { tenant: 't' };
    // Nest's own call is async whatever the method: a plain value is the direct call
    const value = label.resolve?.(thing, { span: { from: 1, to: 2 }, step: 3 }, ctx, {} as never);
    expect(value).toBe('t/a/1-2/103');
    expect(instance.calls).toEqual([[thing, ctx, { from: 1, to: 2 }, 3]]);
  });

  it('answers a query: named arguments, all of them, the context or one key of it, the parent, info', async () => {
    const schema = buildSchema(SDL);
    const { direct, kept } = callFieldResolversDirectly(schema, METHODS, () => new ThingsResolver(0));
    expect(direct).toEqual(['Thing.label', 'Thing.tenant', 'Thing.whole']);
    expect(kept).toEqual(['Thing.piped (parameter 0: pipes)']);
    const result = await execute({
      schema,
      document: parse('{ things { id label(span: { from: 3, to: 4 }) tenant whole } }'),
      rootValue: { things: [{ id: 'x' }] },
      contextValue: { tenant: 'org-1' },
    });
    expect(result).toEqual({
      data: { things: [{ id: 'x', label: 'org-1/x/3-4/0', tenant: 'org-1', whole: 'whole:{}:x' }] },
    });
  });

  it('turns a synchronous failure into a rejected promise, as Nest did', async () => {
    const schema = buildSchema(SDL);
    class Failing {
      piped(): number {
        throw new Error('refused');
      }
    }
    const failing = method({ owner: Failing, method: 'piped', fieldName: 'piped', params: [] });
    callFieldResolversDirectly(schema, [failing], () => new Failing());
    const { piped } = (schema.getType('Thing') as GraphQLObjectType).getFields();
    const value = piped.resolve?.({}, {}, {}, {} as never) as Promise<unknown>;
    await expect(value).rejects.toThrow('refused');
  });

  it("keeps Nest's call for a method that needs it or has a parameter without a decorator", () => {
    const schema = buildSchema(SDL);
    const undecorated = method({ method: 'piped', fieldName: 'piped', params: [undefined] });
    const { direct, kept } = callFieldResolversDirectly(schema, [METHODS[3], undecorated], () => {
      throw new Error('no instance is asked for');
    });
    expect(direct).toEqual([]);
    expect(kept).toEqual([
      'Thing.piped (parameter 0: pipes)',
      'Thing.piped (parameter 0 without a decorator)',
    ]);
    expect((schema.getType('Thing') as GraphQLObjectType).getFields().piped.resolve).toBeUndefined();
  });

  it('fails at start-up for a field the schema does not have', () => {
    const schema = buildSchema(SDL);
    const missing = method({ method: 'label', fieldName: 'missing', params: [] });
    expect(() => callFieldResolversDirectly(schema, [missing], () => new ThingsResolver(0))).toThrow(
      'field resolver ThingsResolver.label: no Thing.missing in the schema',
    );
  });
});
