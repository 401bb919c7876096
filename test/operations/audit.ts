/** The audit log as an admin reads it. Typed by graphql-codegen (test/gql) against schema.graphql. */
import { graphql } from "../gql/index.ts";

export const AuditLog = graphql(`
  query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      totalCount
      hasNextPage
      nextCursor
      entries {
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
