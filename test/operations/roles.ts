/**
 * Role operations the integration tests send: the role list, role administration (also under Strapi's
 * names) and role assignment. Typed by graphql-codegen (test/gql) against schema.graphql.
 */
import { graphql } from "../gql/index.ts";

export const Roles = graphql(`
  query Roles {
    roles {
      id
      name
      type
    }
  }
`);

export const Role = graphql(`
  query Role($id: ID!) {
    role(id: $id) {
      name
    }
  }
`);

export const CreateRole = graphql(`
  mutation CreateRole($data: RoleInput!) {
    createRole(data: $data) {
      id
      name
      type
    }
  }
`);

export const UpdateRole = graphql(`
  mutation UpdateRole($id: ID!, $data: RoleUpdateInput!) {
    updateRole(id: $id, data: $data) {
      id
      name
      description
      type
    }
  }
`);

export const DeleteRole = graphql(`
  mutation DeleteRole($id: ID!) {
    deleteRole(id: $id) {
      ok
    }
  }
`);

/** Strapi's create and update role mutations, sent together in one request. */
export const StrapiCreateAndUpdateRoles = graphql(`
  mutation StrapiCreateAndUpdateRoles($data: UsersPermissionsRoleInput!, $update: UsersPermissionsRoleInput!, $id: ID!) {
    createUsersPermissionsRole(data: $data) {
      ok
    }
    updateUsersPermissionsRole(id: $id, data: $update) {
      ok
    }
  }
`);

export const StrapiDeleteRole = graphql(`
  mutation StrapiDeleteRole($id: ID!) {
    deleteUsersPermissionsRole(id: $id) {
      ok
    }
  }
`);

export const AssignRole = graphql(`
  mutation AssignRole($userId: ID!, $roleId: ID!) {
    assignRole(userId: $userId, roleId: $roleId) {
      ok
    }
  }
`);

export const UnassignRole = graphql(`
  mutation UnassignRole($userId: ID!, $roleId: ID!) {
    unassignRole(userId: $userId, roleId: $roleId) {
      ok
    }
  }
`);

export const StrapiCreateRole = graphql(`
  mutation StrapiCreateRole($data: UsersPermissionsRoleInput!) {
    createUsersPermissionsRole(data: $data) {
      ok
    }
  }
`);

export const StrapiUpdateRole = graphql(`
  mutation StrapiUpdateRole($id: ID!, $data: UsersPermissionsRoleInput!) {
    updateUsersPermissionsRole(id: $id, data: $data) {
      ok
    }
  }
`);
