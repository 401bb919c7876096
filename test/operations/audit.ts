/** The audit log as an admin reads it. Typed by graphql-codegen (test/gql) against schema.graphql. */
import { graphql } from "../gql/index.ts";

export const AuditLog = graphql(`
  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      totalCount
      hasNextPage
      endCursor
      nodes {
        id
        action
        success
        actorId
        actor {
          username
        }
        targetType
        targetId
        ip
        userAgent
        metadata
        createdAt
      }
    }
  }
`);

/** The page's names before the one page shape (deprecated, still answered). */
export const AuditLogDeprecatedNames = graphql(`
  query AuditLogDeprecatedNames($first: Int, $after: String) {
    auditLog(first: $first, after: $after) {
      nextCursor
      entries {
        id
      }
    }
  }
`);
