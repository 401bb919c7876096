/**
 * Access-control operations the integration tests send: ACL rule administration and `myPermissions`.
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
