/**
 * The Gatehouse client: typed auth flows, and `request` for any typed document. It keeps the access
 * token in memory, the refresh token in the given storage (or the server's HttpOnly cookie in cookie
 * mode), and renews the access token once, for every caller at the same time, when it is about to expire.
 */
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { type AccessToken, readAccessToken } from "./access-token.js";
import { GatehouseError, type GraphQLErrorPayload } from "./errors.js";
import {
  type AuthUserFieldsFragment,
  ChangePasswordDocument,
  ConfirmEmailDocument,
  ForgotPasswordDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  OAuthLoginDocument,
  RefreshDocument,
  type RefreshMutation,
  RegisterDocument,
  ResetPasswordDocument,
  RevokeSessionDocument,
  SendEmailConfirmationDocument,
  type SessionFieldsFragment,
  SessionsDocument,
  type SessionsQuery,
  type UsersPermissionsRegisterInput,
} from "./gql/graphql.js";

/** Sessions asked for per request by `sessions()` (the server's largest page). */
const SESSIONS_PAGE = 100;

/** Where the refresh token is kept in `storage` (refresh-token mode only). */
export const REFRESH_TOKEN_STORAGE_KEY = "gatehouse.refreshToken";

/** The header that marks requests as deliberate in the server's cookie mode (AUTH_COOKIE=true). */
export const CSRF_HEADER = "x-gatehouse-csrf";

/** Anything with `getItem`/`setItem`/`removeItem`, synchronous (`localStorage`) or asynchronous. */
export interface TokenStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

export interface GatehouseClientOptions {
  /** The GraphQL endpoint, e.g. `https://auth.example.com/graphql`. */
  url: string;
  /** The fetch to use (default: the global one). Wrap it to add headers, logging or a cookie jar. */
  fetch?: typeof globalThis.fetch;
  /**
   * Where the refresh token survives a reload, under REFRESH_TOKEN_STORAGE_KEY (e.g. `localStorage`).
   * Default: memory only, so a new client starts signed out. Unused in cookie mode.
   */
  storage?: TokenStorage;
  /**
   * The server runs with AUTH_COOKIE=true: the refresh token lives in its HttpOnly cookie, requests are
   * sent with `credentials: "include"` and the CSRF header, and `refresh` is called without argument.
   */
  cookieMode?: boolean;
}

/** The signed-in user as the auth mutations and `me` return it. */
export type AuthUser = AuthUserFieldsFragment;

/** One of the signed-in user's sessions. */
export type Session = SessionFieldsFragment;

export interface AuthResult {
  user: AuthUser;
  /** False after `register` while the email still has to be confirmed (no tokens were issued). */
  signedIn: boolean;
}

/**
 * What changed: `signIn` (login, oauthLogin, register, confirmEmail, resetPassword, changePassword), `refresh` (a
 * new access token), `logout`, or `sessionEnded` (the server refused to renew the session: revoked,
 * expired, or the refresh token was replayed).
 */
export type AuthChangeCause = "signIn" | "refresh" | "logout" | "sessionEnded";

export interface AuthChange {
  signedIn: boolean;
  cause: AuthChangeCause;
}

export type AuthListener = (change: AuthChange) => void;

/** A typed document: what graphql-codegen's client preset generates with `documentMode: "string"`. */
export type TypedDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables>;

/** Variables may be left out when the operation has none, or only optional ones. */
export type VariablesArgument<TVariables> = {} extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface GatehouseClient {
  register(input: UsersPermissionsRegisterInput): Promise<AuthResult>;
  login(input: { identifier: string; password: string }): Promise<AuthResult>;
  /** Signs in with the `loginCode` a provider sign-in (GET /connect/:provider) put in the front-end's URL. */
  oauthLogin(code: string): Promise<AuthResult>;
  /** Ends this session (every session of the user with `all: true`) and forgets the tokens. */
  logout(options?: { all?: boolean }): Promise<void>;
  /** Renews the access token now and returns it; throws when the session cannot be renewed. */
  refresh(): Promise<string>;
  /** The signed-in user, or null. */
  me(): Promise<AuthUser | null>;
  forgotPassword(input: { email: string }): Promise<void>;
  resetPassword(input: { code: string; password: string; passwordConfirmation: string }): Promise<AuthResult>;
  changePassword(input: { currentPassword: string; password: string; passwordConfirmation: string }): Promise<AuthResult>;
  /** Confirms the email with the code from the confirmation email, and signs in. */
  confirmEmail(confirmation: string): Promise<AuthResult>;
  sendEmailConfirmation(input: { email: string }): Promise<void>;
  /** Every open session of the signed-in user, most recently used first (all pages of `sessions`). */
  sessions(): Promise<Session[]>;
  revokeSession(id: string): Promise<boolean>;
  /** Sends any typed document as the current user and returns its `data`; errors are thrown. */
  request<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    ...variables: VariablesArgument<TVariables>
  ): Promise<TResult>;
  /** A valid access token (renewed first if it is about to expire), or null when signed out. */
  accessToken(): Promise<string | null>;
  /** Calls `listener` on every sign-in, renewal and sign-out; returns the unsubscribe function. */
  onAuthChange(listener: AuthListener): () => void;
}

interface GraphQLResult<TResult> {
  status: number;
  data?: TResult | null;
  errors?: readonly GraphQLErrorPayload[];
}

interface TokenPair {
  jwt: string | null;
  refreshToken: string | null;
}

/** Codes with which the server refuses a refresh for good; anything else (network, rate limit) may pass. */
const REFUSED = new Set(["UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT"]);
const isRefusal = (error: unknown) => error instanceof GatehouseError && REFUSED.has(error.code);

const notSignedIn = () => new GatehouseError({ code: "UNAUTHENTICATED", message: "Not signed in" });

function memoryStorage(): TokenStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function documentText(document: unknown): string {
  if (typeof document === "string" || document instanceof String) return String(document);
  // A DocumentNode parsed with its location still carries its source text.
  const body = (document as { loc?: { source?: { body?: unknown } } } | null)?.loc?.source?.body;
  if (typeof body === "string") return body;
  throw new TypeError("request() needs a document string: generate with documentMode: 'string', or print() the DocumentNode");
}

/** A request refused as a whole because of its access token (revoked session, new signing keys...). */
const isTokenRejected = (result: GraphQLResult<unknown>) =>
  result.data == null && (result.errors ?? []).some((error) => error.extensions?.code === "UNAUTHENTICATED" && !error.path);

export function createGatehouseClient(options: GatehouseClientOptions): GatehouseClient {
  const { url } = options;
  const cookieMode = options.cookieMode ?? false;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const storage = options.storage ?? memoryStorage();

  let access: AccessToken | null = null;
  /** "unknown" until the first sign-in or refresh tells: a stored token or cookie may outlive a reload. */
  let state: "unknown" | "signedIn" | "signedOut" = "unknown";
  /** Bumped on every sign-in and sign-out, so a refresh that was in flight meanwhile is discarded. */
  let epoch = 0;
  let refreshing: Promise<string> | null = null;
  const listeners = new Set<AuthListener>();

  function notify(change: AuthChange) {
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (error) {
        console.error("Gatehouse onAuthChange listener failed", error);
      }
    }
  }

  async function post<TResult>(document: unknown, variables: unknown, token: string | null): Promise<GraphQLResult<TResult>> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (cookieMode) headers[CSRF_HEADER] = "1";
    const init: RequestInit = { method: "POST", headers, body: JSON.stringify({ query: documentText(document), variables }) };
    if (cookieMode) init.credentials = "include";

    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch (cause) {
      throw new GatehouseError({ code: "NETWORK_ERROR", message: `Could not reach ${url}`, cause });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (body === null || typeof body !== "object" || !("data" in body || "errors" in body)) {
      throw new GatehouseError({
        code: "NETWORK_ERROR",
        message: `Not a GraphQL response from ${url} (HTTP ${response.status})`,
        status: response.status,
      });
    }
    return { status: response.status, ...(body as Omit<GraphQLResult<TResult>, "status">) };
  }

  function dataOf<TResult>(result: GraphQLResult<TResult>): TResult {
    if (result.errors?.length) throw GatehouseError.fromGraphQLErrors(result.errors, result.status);
    if (result.data == null) {
      throw new GatehouseError({ code: "NETWORK_ERROR", message: "The response has no data", status: result.status });
    }
    return result.data;
  }

  async function keepTokens(pair: TokenPair & { jwt: string }, cause: AuthChangeCause) {
    access = readAccessToken(pair.jwt, Date.now());
    if (!cookieMode) {
      // Legacy mode (JWT_MODE=legacy) issues no refresh token: the access token is all there is.
      if (pair.refreshToken) await storage.setItem(REFRESH_TOKEN_STORAGE_KEY, pair.refreshToken);
      else await storage.removeItem(REFRESH_TOKEN_STORAGE_KEY);
    }
    state = "signedIn";
    notify({ signedIn: true, cause });
  }

  async function signIn(pair: TokenPair, user: AuthUser): Promise<AuthResult> {
    if (!pair.jwt) return { user, signedIn: false };
    epoch += 1;
    await keepTokens({ ...pair, jwt: pair.jwt }, "signIn");
    return { user, signedIn: true };
  }

  async function signOut(cause: AuthChangeCause) {
    epoch += 1;
    const wasSignedOut = state === "signedOut";
    access = null;
    state = "signedOut";
    if (!cookieMode) await storage.removeItem(REFRESH_TOKEN_STORAGE_KEY);
    if (!wasSignedOut) notify({ signedIn: false, cause });
  }

  async function renewSession(): Promise<string> {
    const startedIn = epoch;
    const refreshToken = cookieMode ? undefined : await storage.getItem(REFRESH_TOKEN_STORAGE_KEY);
    if (!cookieMode && !refreshToken) {
      // Nothing to renew with (signed out, or legacy mode): keep a legacy token until it expires.
      if (access && Date.now() < access.expiresAt) return access.value;
      if (state === "signedIn") await signOut("sessionEnded");
      else state = "signedOut"; // there never was a session to end
      throw notSignedIn();
    }
    const result = await post<RefreshMutation>(RefreshDocument, cookieMode ? {} : { refreshToken }, null);
    if (epoch !== startedIn) {
      // Signed in or out while this refresh was in flight: that newer state wins.
      if (access) return access.value;
      throw notSignedIn();
    }
    let pair: TokenPair & { jwt: string };
    try {
      pair = dataOf(result).refresh;
    } catch (error) {
      if (isRefusal(error)) await signOut("sessionEnded");
      throw error;
    }
    await keepTokens(pair, "refresh");
    return pair.jwt;
  }

  /** Single flight: every caller that needs a new token while one is being fetched waits for that one. */
  const refreshOnce = () => (refreshing ??= renewSession().finally(() => (refreshing = null)));

  /** A refusal has already signed the client out: the caller goes on as an anonymous one. */
  async function orSignedOut(renewal: Promise<string>): Promise<string | null> {
    try {
      return await renewal;
    } catch (error) {
      if (isRefusal(error)) return null;
      throw error;
    }
  }

  function currentAccessToken(): Promise<string | null> {
    if (access && Date.now() < access.refreshAt) return Promise.resolve(access.value);
    // In cookie mode nothing in the page tells whether a cookie exists: ask once, then only after a sign-in.
    if (cookieMode && state === "signedOut") return Promise.resolve(null);
    return orSignedOut(refreshOnce());
  }

  /** Sends a document as the current user; a request refused for its token is renewed and sent once more. */
  async function execute<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult> {
    const token = await currentAccessToken();
    let result = await post<TResult>(document, variables, token);
    if (token && isTokenRejected(result)) {
      let renewed: string | null;
      if (access && access.value !== token) {
        renewed = access.value; // another caller renewed it meanwhile
      } else {
        access = null;
        renewed = await orSignedOut(refreshOnce());
      }
      result = await post<TResult>(document, variables, renewed);
    }
    return dataOf(result);
  }

  /** Public flows go without a token: a stale one would get the request refused. */
  async function executeAnonymous<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult> {
    return dataOf(await post<TResult>(document, variables, null));
  }

  /** Nullable payloads (Strapi's schema) are never null without an error; if one is, say so. */
  function payload<T>(value: T | null | undefined, field: string): T {
    if (value == null) throw new GatehouseError({ code: "INTERNAL_SERVER_ERROR", message: `No ${field} in the response` });
    return value;
  }

  return {
    async register(input) {
      const { register } = await executeAnonymous(RegisterDocument, { input });
      return signIn(register, register.user);
    },

    async login({ identifier, password }) {
      const { login } = await executeAnonymous(LoginDocument, { input: { identifier, password } });
      return signIn(login, login.user);
    },

    async oauthLogin(code) {
      const { oauthLogin } = await executeAnonymous(OAuthLoginDocument, { code });
      return signIn(oauthLogin, oauthLogin.user);
    },

    async logout({ all = false } = {}) {
      try {
        const token = await currentAccessToken();
        if (token) await execute(LogoutDocument, { all });
      } catch (error) {
        // The session already ended on the server: signing out here is all that is left to do.
        if (!isRefusal(error)) throw error;
      } finally {
        await signOut("logout");
      }
    },

    refresh: refreshOnce,

    async me() {
      try {
        return (await execute(MeDocument, {})).me;
      } catch (error) {
        // The ACL refuses `me` to anonymous callers; for a client that is the answer "nobody".
        if (error instanceof GatehouseError && error.code === "UNAUTHENTICATED") return null;
        throw error;
      }
    },

    async forgotPassword({ email }) {
      await executeAnonymous(ForgotPasswordDocument, { email });
    },

    async resetPassword({ code, password, passwordConfirmation }) {
      const data = await executeAnonymous(ResetPasswordDocument, { code, password, passwordConfirmation });
      const result = payload(data.resetPassword, "resetPassword");
      return signIn(result, result.user);
    },

    async changePassword({ currentPassword, password, passwordConfirmation }) {
      const data = await execute(ChangePasswordDocument, { currentPassword, password, passwordConfirmation });
      // The server revoked every session, this one included, and issued a new pair.
      const result = payload(data.changePassword, "changePassword");
      return signIn(result, result.user);
    },

    async confirmEmail(confirmation) {
      const data = await executeAnonymous(ConfirmEmailDocument, { confirmation });
      const result = payload(data.emailConfirmation, "emailConfirmation");
      return signIn(result, result.user);
    },

    async sendEmailConfirmation({ email }) {
      await executeAnonymous(SendEmailConfirmationDocument, { email });
    },

    async sessions() {
      const sessions: Session[] = [];
      let after: string | null = null;
      do {
        const page: SessionsQuery["sessions"] = (await execute(SessionsDocument, { first: SESSIONS_PAGE, after })).sessions;
        sessions.push(...page.nodes);
        after = page.hasNextPage ? page.endCursor : null;
      } while (after);
      return sessions;
    },

    async revokeSession(id) {
      return (await execute(RevokeSessionDocument, { id })).revokeSession.ok;
    },

    request<TResult, TVariables>(
      document: TypedDocument<TResult, TVariables>,
      ...[variables]: VariablesArgument<TVariables>
    ) {
      return execute(document, (variables ?? {}) as TVariables);
    },

    accessToken: currentAccessToken,

    onAuthChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
