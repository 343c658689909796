/**
 * The one parser of `Authorization: Bearer <secret>` (ingest keys, API tokens, graphql-ws connection
 * params): the secret, or undefined when the value is missing, not a string or not a bearer credential.
 */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  return /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header)?.[1];
}
