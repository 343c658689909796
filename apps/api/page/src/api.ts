import { type Client, createClient } from 'graphql-ws';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POST /graphql with the tab's token; a refused token or any GraphQL error is an ApiError. */
export async function graphql<T>(
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: GraphqlResponse<T>;
  try {
    body = (await response.json()) as GraphqlResponse<T>;
  } catch {
    throw new ApiError(`the API answered ${response.status}`, response.status);
  }
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, response.status, error.extensions?.code);
  if (!response.ok || body.data === undefined)
    throw new ApiError(`the API answered ${response.status}`, response.status);
  return body.data;
}

/** graphql-ws on the same origin and path, signed in with the same token. */
export function subscriptions(token: string, onConnected: (connected: boolean) => void): Client {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  return createClient({
    url,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Infinity,
    on: { connected: () => onConnected(true), closed: () => onConnected(false) },
  });
}
