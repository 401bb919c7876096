/** A plain GraphQL-over-HTTP client for setting up benchmarks (the load itself goes through load.ts). */

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, "status">) };
}

export const LOGIN = `mutation BenchLogin($identifier: String!, $password: String!) {
  login(input: { identifier: $identifier, password: $password }) { jwt refreshToken user { id } }
}`;

export interface Tokens {
  jwt: string;
  refreshToken: string;
}

/** Signs in through the real `login` mutation; throws with the server's answer when refused. */
export async function login(url: string, identifier: string, password: string): Promise<Tokens> {
  const result = await gql<{ login: Tokens }>(url, LOGIN, { identifier, password });
  const tokens = result.data?.login;
  if (!tokens?.jwt || !tokens.refreshToken) throw new Error(`login of ${identifier} failed: ${JSON.stringify(result)}`);
  return { jwt: tokens.jwt, refreshToken: tokens.refreshToken };
}

/** Runs `task` over `items` with at most `concurrency` in flight; results keep the items' order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}
