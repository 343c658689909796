import { GraphQLError, type GraphQLFormattedError, Lexer, Source, TokenKind } from 'graphql';
import { QUERY_LIMITS, QUERY_LIMIT_EXCEEDED, queryLimitError } from './query-limits/query-limits';

/**
 * The one mapping of errors to what GraphQL clients see, for HTTP and graphql-ws alike: client
 * errors keep their code (a refused limit is QUERY_LIMIT_EXCEEDED with limit, max and actual),
 * anything else is logged and masked.
 */
export const badInput = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export const forbidden = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

export const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

const CLIENT_ERRORS = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  QUERY_LIMIT_EXCEEDED,
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

const TOO_MANY_TOKENS = /Document contains more that (\d+) tokens/;

/** Tokens of a document already refused for its size: bounded by the body limit, so lexing it is cheap. */
function countTokens(body: string): number | undefined {
  try {
    const lexer = new Lexer(new Source(body));
    let count = 0;
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
    return count;
  } catch {
    return undefined;
  }
}

const withoutHttp = ({ extensions, ...rest }: GraphQLFormattedError): GraphQLFormattedError => {
  if (!extensions || !('http' in extensions)) return { ...rest, ...(extensions ? { extensions } : {}) };
  const { http: _http, ...others } = extensions;
  return { ...rest, extensions: others };
};

export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal: (error: unknown) => void,
): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const tooManyTokens = TOO_MANY_TOKENS.exec(formatted.message);
  if (tooManyTokens && extensions.code === 'GRAPHQL_PARSE_FAILED') {
    const max = Number(tooManyTokens[1]);
    const body = error instanceof GraphQLError ? error.source?.body : undefined;
    const actual = body === undefined ? undefined : countTokens(body);
    const refusal = queryLimitError(
      'tokens',
      max,
      actual,
      `the query has ${actual ?? `more than ${max}`} tokens; at most ${max} are allowed`,
    );
    return withoutHttp(refusal.toJSON());
  }
  // Apollo files validation-rule errors under GRAPHQL_VALIDATION_FAILED; a limit keeps its own code
  if (typeof extensions.limit === 'string') {
    return withoutHttp({ ...formatted, extensions: { ...extensions, code: QUERY_LIMIT_EXCEEDED } });
  }
  // and so does a refused input value written in the document (an invalid DateTime literal)
  if (extensions.badUserInput === true) {
    const { badUserInput: _marker, ...rest } = extensions;
    return withoutHttp({ ...formatted, extensions: { ...rest, code: 'BAD_USER_INPUT' } });
  }
  if (typeof extensions.code === 'string' && CLIENT_ERRORS.has(extensions.code))
    return withoutHttp(formatted);
  onInternal(error);
  return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** A coded refusal as clients see it (no http extension). */
export const formattedRefusal = (error: GraphQLError): GraphQLFormattedError => withoutHttp(error.toJSON());

/** A refusal before GraphQL runs (authentication, body size), in the same shape as GraphQL's own. */
export function httpRefusal(error: GraphQLError): {
  status: number;
  body: { errors: GraphQLFormattedError[] };
} {
  const http = error.extensions.http as { status?: number } | undefined;
  return { status: http?.status ?? 400, body: { errors: [withoutHttp(error.toJSON())] } };
}

export const tooLargeBody = (actual: number | undefined) => {
  const max = QUERY_LIMITS.maxBodyBytes;
  return queryLimitError(
    'bodyBytes',
    max,
    actual,
    actual === undefined
      ? `the request body is over ${max} bytes, the limit`
      : `the request body is ${actual} bytes; at most ${max} are allowed`,
  );
};
