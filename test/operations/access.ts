/**
 * Access-control operations the integration tests send: ACL rule administration, `myPermissions`, the
 * permission matrix and "who may call this field?".
 * Typed by graphql-codegen (test/gql) against schema.graphql.
 */
import { graphql } from "../gql/index.ts";

export const CreateAclRule = graphql(`
  mutation CreateAclRule($data: AclRuleInput!) {
    createAclRule(data: $data) {
      id
      resource
      accessType
      principalType
      principalId
      permission
    }
  }
`);

export const DeleteAclRule = graphql(`
  mutation DeleteAclRule($id: ID!) {
    deleteAclRule(id: $id) {
      ok
    }
  }
`);

export const MyPermissions = graphql(`
  query MyPermissions {
    myPermissions {
      resource
      accessType
      scope
    }
  }
`);

/** What every decision of the matrix and of fieldAccess carries. */
export const PermissionDecisionFields = graphql(`
  fragment PermissionDecisionFields on PermissionDecision {
    resource
    accessType
    downstream
    allowed
    scope
    source
    rule {
      principalType
      principalId
      permission
      storedRuleId
    }
  }
`);

export const RolePermissions = graphql(`
  query RolePermissions($roleId: ID!) {
    rolePermissions(roleId: $roleId) {
      typeName
      fieldName
      ...PermissionDecisionFields
    }
  }
`);

export const SetRolePermission = graphql(`
  mutation SetRolePermission($roleId: ID!, $resource: String!, $accessType: String, $allowed: Boolean!) {
    setRolePermission(roleId: $roleId, resource: $resource, accessType: $accessType, allowed: $allowed) {
      ...PermissionDecisionFields
    }
  }
`);

export const FieldAccess = graphql(`
  query FieldAccess($resource: String!, $accessType: String) {
    fieldAccess(resource: $resource, accessType: $accessType) {
      principalType
      principalId
      name
      ...PermissionDecisionFields
    }
  }
`);
