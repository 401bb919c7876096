/**
 * Session operations the integration tests send: refresh (by token or by cookie), logout, and listing
 * and revoking one's sessions. Typed by graphql-codegen (test/gql) against schema.graphql.
 */
import { graphql } from "../gql/index.ts";

/** Without `refreshToken`, the refresh token comes from the cookie (cookie mode). */
export const Refresh = graphql(`
  mutation Refresh($refreshToken: String) {
    refresh(refreshToken: $refreshToken) {
      jwt
      refreshToken
    }
  }
`);

export const Logout = graphql(`
  mutation Logout($all: Boolean) {
    logout(all: $all) {
      ok
    }
  }
`);

export const Sessions = graphql(`
  query Sessions($first: Int, $after: String) {
    sessions(first: $first, after: $after) {
      totalCount
      hasNextPage
      endCursor
      nodes {
        id
        current
        userAgent
      }
    }
  }
`);

export const RevokeSession = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id) {
      ok
    }
  }
`);
