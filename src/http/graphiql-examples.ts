/**
 * What GraphiQL opens with: one tab per main flow, and in the headers of the tabs that need a user a
 * placeholder Bearer token to replace with the `jwt` that login returns. The placeholder is a syntactically
 * valid token, so running such a tab before pasting answers 401 INVALID_TOKEN, which says what is missing;
 * the public flows' tabs send no Authorization header at all (any token there would be checked too).
 */

/** The value the Authorization header of the signed-in tabs starts with. */
export const BEARER_PLACEHOLDER = "Bearer PASTE_THE_JWT_FROM_LOGIN";

const SIGNED_IN_HEADERS = JSON.stringify({ Authorization: BEARER_PLACEHOLDER }, null, 2);
const ANONYMOUS_HEADERS = "{}";

export interface GraphiQLTab {
  query: string;
  variables?: string;
  headers: string;
}

const variables = (value: Record<string, unknown>) => JSON.stringify(value, null, 2);

export const GRAPHIQL_TABS: readonly GraphiQLTab[] = [
  {
    query: `# Sign in with a username or email. Copy data.login.jwt, then in the tabs that need a user replace
# PASTE_THE_JWT_FROM_LOGIN in the Headers editor: { "Authorization": "Bearer <jwt>" }.
# In development the first admin is the one from ADMIN_EMAIL / ADMIN_PASSWORD.
mutation Login($input: UsersPermissionsLoginInput!) {
  login(input: $input) {
    jwt
    refreshToken
    user { id username email confirmed role { name type } }
  }
}
`,
    variables: variables({ input: { identifier: "ada@example.com", password: "analytical engine 1843" } }),
    headers: ANONYMOUS_HEADERS,
  },
  {
    query: `# The signed-in user (null without a token). Needs { "Authorization": "Bearer <jwt>" } in Headers.
query Me {
  me { id documentId username email confirmed blocked role { name type } }
}
`,
    headers: SIGNED_IN_HEADERS,
  },
  {
    query: `# Creates an account. With settings.emailConfirmation on, jwt is null until the emailed code
# is sent to emailConfirmation(confirmation:).
mutation Register($input: UsersPermissionsRegisterInput!) {
  register(input: $input) {
    jwt
    refreshToken
    user { id username email confirmed }
  }
}
`,
    variables: variables({ input: { username: "ada", email: "ada@example.com", password: "analytical engine 1843" } }),
    headers: ANONYMOUS_HEADERS,
  },
  {
    query: `# Exchanges the refresh token from login for a new pair (the old one stops working).
# In cookie mode (AUTH_COOKIE=true) leave the argument out: the HttpOnly cookie is used.
mutation Refresh($refreshToken: String) {
  refresh(refreshToken: $refreshToken) {
    jwt
    refreshToken
  }
}
`,
    variables: variables({ refreshToken: "the refreshToken from login" }),
    headers: ANONYMOUS_HEADERS,
  },
  {
    query: `# The current user's sessions, and signing out (this session, or all of them).
query Sessions {
  sessions(first: 20) { nodes { id createdAt lastUsedAt userAgent current } hasNextPage endCursor }
}

mutation Logout($all: Boolean) {
  logout(all: $all) { ok }
}
`,
    variables: variables({ all: false }),
    headers: SIGNED_IN_HEADERS,
  },
];

/** The headers editor of a new tab. */
export const GRAPHIQL_DEFAULT_HEADERS = JSON.stringify({ Authorization: "" }, null, 2);
