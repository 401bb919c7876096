/**
 * The requests of each workload: what is sent (built per request) and what counts as a success. A
 * target is one running server with the tokens and accounts its requests need.
 */
import type { GraphQLCall } from "./load.ts";
import { usernameOf } from "./seed.ts";

export interface Target {
  /** Short id used in results: baseline, postgres, pglite, postgres-1m. */
  id: string;
  label: string;
  url: string;
  /** Access tokens of distinct users, sent round-robin by `me`. */
  meTokens: string[];
  /** A well-formed token with a wrong signature. */
  invalidToken: string;
  /** Gatehouse only: accounts and sessions for the other workloads. */
  gatehouse?: {
    adminToken: string;
    /** Unused refresh tokens of distinct sessions; `refresh` takes one and puts back its successor. */
    refreshTokens: string[];
    loginUsers: { group: string; count: number; password: string };
  };
}

export interface RequestPlan {
  next: () => GraphQLCall;
  check: (status: number, body: string) => boolean;
}

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query });

export const ME_QUERY = "{ me { id username email } }";
const ME_BODY = body(ME_QUERY);

export const USERS_QUERY = `{ users(first: 100) {
  nodes { id username email confirmed blocked role { id name type } roles { id name type } }
  hasNextPage endCursor
} }`;

const LOGIN_MUTATION = `mutation BenchLogin($identifier: String!, $password: String!) {
  login(input: { identifier: $identifier, password: $password }) { jwt user { id } }
}`;

const REGISTER_MUTATION = `mutation BenchRegister($username: String!, $email: String!, $password: String!) {
  register(input: { username: $username, email: $email, password: $password }) { jwt user { id } }
}`;

const REFRESH_MUTATION = `mutation BenchRefresh($refreshToken: String!) {
  refresh(refreshToken: $refreshToken) { jwt refreshToken }
}`;

/** Passes the password policy (long, not common, no username in it). */
export const REGISTER_PASSWORD = "quiet lantern over seven hills";

function gatehouseOf(target: Target) {
  if (!target.gatehouse) throw new Error(`${target.id} is not a Gatehouse target`);
  return target.gatehouse;
}

export function mePlan(target: Target): RequestPlan {
  let i = 0;
  return {
    next: () => ({ body: ME_BODY, token: target.meTokens[i++ % target.meTokens.length] }),
    check: (status, text) => status === 200 && text.includes('"me":{"id":') && !text.includes('"errors"'),
  };
}

export function invalidTokenPlan(target: Target): RequestPlan {
  return {
    next: () => ({ body: ME_BODY, token: target.invalidToken }),
    check: (status, text) => status < 500 && text.includes('"UNAUTHENTICATED"'),
  };
}

export function usersPlan(target: Target): RequestPlan {
  const { adminToken } = gatehouseOf(target);
  const usersBody = body(USERS_QUERY);
  return {
    next: () => ({ body: usersBody, token: adminToken }),
    check: (status, text) => status === 200 && text.includes('"nodes":[{') && !text.includes('"errors"'),
  };
}

export function loginPlan(target: Target): RequestPlan {
  const { group, count, password } = gatehouseOf(target).loginUsers;
  let i = 0;
  return {
    next: () => ({ body: body(LOGIN_MUTATION, { identifier: usernameOf(group, (i++ % count) + 1), password }) }),
    check: (status, text) => status === 200 && text.includes('"jwt":"'),
  };
}

/** Unique users: `tag` must differ between runs and targets sharing a database. */
export function registerPlan(tag: string): RequestPlan {
  let i = 0;
  return {
    next: () => {
      const username = `bench-reg-${tag}-${++i}`;
      return { body: body(REGISTER_MUTATION, { username, email: `${username}@bench.example`, password: REGISTER_PASSWORD }) };
    },
    check: (status, text) => status === 200 && text.includes('"jwt":"'),
  };
}

/**
 * Each refresh token is single-use: a request takes one from the pool and its answer puts the rotated
 * successor back. A request whose answer is lost (timeout) costs one session; the pool has spares.
 */
export function refreshPlan(target: Target): RequestPlan {
  const pool = gatehouseOf(target).refreshTokens;
  return {
    next: () => ({ body: body(REFRESH_MUTATION, { refreshToken: pool.shift() ?? "pool-exhausted" }) }),
    check: (status, text) => {
      if (status !== 200) return false;
      const next = (JSON.parse(text) as { data?: { refresh?: { refreshToken?: string } } }).data?.refresh?.refreshToken;
      if (!next) return false;
      pool.push(next);
      return true;
    },
  };
}
