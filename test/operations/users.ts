/**
 * User operations the integration tests send: the user list and one user, admin updates, deletion and
 * unlocking, and `updateMe`. Typed by graphql-codegen (test/gql) against schema.graphql.
 */
import { graphql } from "../gql/index.ts";

export const Users = graphql(`
  query Users($first: Int, $after: String, $offset: Int, $filter: UsersFilter) {
    users(first: $first, after: $after, offset: $offset, filter: $filter) {
      totalCount
      hasNextPage
      endCursor
      nodes {
        id
        username
        email
        role {
          name
          type
        }
        roles {
          name
          type
        }
      }
    }
  }
`);

export const User = graphql(`
  query User($id: ID!) {
    user(id: $id) {
      id
      username
      email
      role {
        type
      }
      roles {
        type
      }
    }
  }
`);

export const UpdateUser = graphql(`
  mutation UpdateUser($id: ID!, $data: UserUpdateInput!) {
    updateUser(id: $id, data: $data) {
      id
      username
      blocked
      confirmed
      profile
      role {
        type
      }
    }
  }
`);

export const DeleteUser = graphql(`
  mutation DeleteUser($id: ID!) {
    deleteUser(id: $id) {
      ok
    }
  }
`);

export const UnlockUser = graphql(`
  mutation UnlockUser($id: ID!) {
    unlockUser(id: $id) {
      ok
    }
  }
`);

export const RevokeUserSessions = graphql(`
  mutation RevokeUserSessions($id: ID!) {
    revokeUserSessions(id: $id) {
      ok
    }
  }
`);

export const UpdateMe = graphql(`
  mutation UpdateMe($data: UpdateMeInput!) {
    updateMe(data: $data) {
      username
      blocked
      profile
    }
  }
`);

/** An admin's change to a user's username or email, reading both back. */
export const UpdateUserIdentity = graphql(`
  mutation UpdateUserIdentity($id: ID!, $data: UserUpdateInput!) {
    updateUser(id: $id, data: $data) {
      id
      username
      email
    }
  }
`);

export const CreateUser = graphql(`
  mutation CreateUser($data: UserCreateInput!) {
    createUser(data: $data) {
      id
      documentId
      username
      email
      provider
      confirmed
      blocked
      profile
      role {
        type
      }
    }
  }
`);
