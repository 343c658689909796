import { TIMESTAMP_FORMAT_MESSAGE, parseTimestamp } from '@orgpulse/contracts';
import {
  type ASTNode,
  type ASTVisitor,
  GraphQLError,
  GraphQLScalarType,
  Kind,
  type ValidationContext,
  type ValueNode,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from 'graphql';

/** Shown of a refused value: enough to recognise it, bounded whatever was sent. */
const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

// The argument (and field within it) each DateTime literal of a document stands in, found by
// dateTimeArgumentsRule when validation enters the argument, before its values are checked.
const argumentOfLiteral = new WeakMap<ASTNode, { field?: string; argument: string }>();

function invalid(value: unknown, problem: string, node?: ValueNode): GraphQLError {
  const at = node && argumentOfLiteral.get(node);
  const where = at === undefined ? 'DateTime' : `argument ${at.argument}${at.field ? ` of ${at.field}` : ''}`;
  return new GraphQLError(`${where}: ${shown(value)} ${problem}`, {
    nodes: node,
    // Apollo files literal errors under GRAPHQL_VALIDATION_FAILED: formatGraphqlError restores the code
    extensions: { code: 'BAD_USER_INPUT', badUserInput: true, ...(at ? { argument: at.argument } : {}) },
  });
}

function parse(value: unknown, node?: ValueNode): Date {
  if (typeof value !== 'string') throw invalid(value, TIMESTAMP_FORMAT_MESSAGE, node);
  const parsed = parseTimestamp(value);
  if (!parsed.ok) throw invalid(value, parsed.problem, node);
  return new Date(parsed.ms);
}

// A large answer repeats few instants (thousands of teams' same week starts): toISOString was a tenth
// of serialising one, so the latest instants' strings are kept (a bounded map, emptied when full)
const RECENT_INSTANTS = 4_096;
const recentIso = new Map<number, string>();

function isoOf(ms: number): string {
  let iso = recentIso.get(ms);
  if (iso === undefined) {
    if (recentIso.size >= RECENT_INSTANTS) recentIso.clear();
    iso = new Date(ms).toISOString();
    recentIso.set(ms, iso);
  }
  return iso;
}

/**
 * DateTime (contract §11): an RFC 3339 timestamp with an offset, within the years 0001..9999, and
 * nothing else. Anything else is refused with BAD_USER_INPUT before a resolver runs, never read as
 * an invalid date that answers with a number.
 */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'An RFC 3339 timestamp with an offset, e.g. 2026-01-05T09:00:00Z or 2026-01-05T10:00:00+01:00 ' +
    '(years 0001 to 9999); answered in UTC with milliseconds',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    const ms = date?.getTime();
    if (ms === undefined || Number.isNaN(ms))
      throw new GraphQLError(`DateTime cannot represent ${shown(value)}`);
    return isoOf(ms);
  },
  parseValue: (value) => parse(value),
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw invalid(node.kind, 'is not a string', node);
    return parse(node.value, node);
  },
});

const isDateTime = (type: GraphQLInputType): boolean => getNamedType(type) === DateTime;

/** Records, for every DateTime literal under `node`, the argument path it stands in. */
function recordLiterals(node: ValueNode, type: GraphQLInputType, path: string, field?: string): void {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (node.kind === Kind.LIST && isListType(inner))
    node.values.forEach((value, i) => recordLiterals(value, inner.ofType, `${path}[${i}]`, field));
  else if (node.kind === Kind.OBJECT && isInputObjectType(inner)) {
    const fields = inner.getFields();
    for (const entry of node.fields) {
      const definition = fields[entry.name.value];
      if (definition) recordLiterals(entry.value, definition.type, `${path}.${entry.name.value}`, field);
    }
  } else if (isDateTime(inner)) argumentOfLiteral.set(node, { field, argument: path });
}

/**
 * Lets a refused DateTime literal name its argument (`orgOverview(window.from)`): the rule reports
 * nothing itself, graphql-js's own value check does, with the scalar's message.
 */
export function dateTimeArgumentsRule(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      const argument = context.getArgument();
      const field = context.getFieldDef();
      if (!argument) return;
      recordLiterals(node.value, argument.type, node.name.value, field?.name);
    },
  };
}
