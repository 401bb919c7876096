/**
 * The ACL on the supergraph. Before execution (so before any subgraph is called), it decides every
 * downstream coordinate the operation touches (see coordinates.ts) against the caller's rules, with the
 * same resolution, dynamic roles and codes as Gatehouse's own fields.
 *
 * A denied field is answered like one of Gatehouse's: null, with an UNAUTHENTICATED or FORBIDDEN error at
 * its path, and the rest of the response served. To get there without the subgraph ever seeing the field:
 *   1. the operation sent to the planner has each denied field replaced by a `__typename` (answered by
 *      the parent's subgraph or the gateway itself, never the denied field's, and keeping its selection
 *      set non-empty);
 *   2. once the gateway has answered, graphql-js completes the client's original operation over that
 *      answer: every field reads its value back, a denied one raises its refusal. Lists, fragments,
 *      aliases, @skip/@include and null propagation of non-null fields are thus graphql-js's, not ours.
 */
import type { Plugin } from "graphql-yoga";
import {
  buildASTSchema,
  type DocumentNode,
  type ExecutionResult,
  executeSync,
  type FieldNode,
  getNamedType,
  GraphQLError,
  type GraphQLSchema,
  isAbstractType,
  Kind,
  parse,
  printSchema,
  responsePathAsArray,
  type SelectionSetNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import { ErrorCode } from "../../errors.ts";
import type { AccessDecision, AccessRequest, AclRule } from "../access/acl.ts";
import {
  type DownstreamCoordinate,
  type LocalSchemaIndex,
  classifyField,
  downstreamCoordinatesOf,
  isNamedByRule,
} from "./coordinates.ts";

/**
 * What the gateway asks of the ACL for one request. Gatehouse's RequestAuthorizer fits as it is; a
 * rule set and the pure engine (roles/acl.ts) fit too.
 */
export interface GatewayAuthorizer {
  /** Decides one coordinate for this request's caller (roles and rules loaded once per request). */
  check(request: AccessRequest): Promise<AccessDecision>;
  /** The rules in force (defaults and stored), to tell which downstream coordinates a rule names. */
  rules(): Promise<readonly AclRule[]>;
}

export interface GatewayAclOptions<TContext> {
  local: LocalSchemaIndex;
  /** GATEWAY_DEFAULT_ACCESS: whether a downstream coordinate no rule names is left to the subgraph. */
  defaultAccess: "deny" | "allow";
  authorizerOf(context: TContext): GatewayAuthorizer;
  /** Whether the caller is signed in: a refusal is UNAUTHENTICATED for anonymous callers, FORBIDDEN otherwise. */
  isSignedIn(context: TContext): boolean;
}

/**
 * Allowed when a rule allows it; otherwise denied, except under `allow` for a coordinate that no rule
 * names and no rule decided for this caller (a `*` DENY for a user still denies).
 */
export async function decideDownstream(
  authorizer: GatewayAuthorizer,
  rules: readonly AclRule[],
  coordinate: DownstreamCoordinate,
  defaultAccess: "deny" | "allow",
): Promise<boolean> {
  const named = isNamedByRule(rules, coordinate.resource);
  if (coordinate.guard === "named" && !named) return true;
  const decision = await authorizer.check({ resource: coordinate.resource, accessType: coordinate.accessType });
  if (decision.allowed) return true;
  return defaultAccess === "allow" && decision.rule === null && !named;
}

/**
 * The response key of the `__typename` standing in for denied fields, also where step 2 reads the runtime
 * type of abstract values. Clients do not use `__` names, so it collides with nothing of theirs.
 */
const TYPENAME_KEY = "__gatehouseTypename";

const typenameField: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_KEY },
  name: { kind: Kind.NAME, value: "__typename" },
};

/** Step 1: the operation without the denied fields, and with the runtime type of every abstract value. */
function withoutDenied(
  local: LocalSchemaIndex,
  schema: GraphQLSchema,
  document: DocumentNode,
  denied: ReadonlySet<string>,
): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node): SelectionSetNode | undefined {
        const type = typeInfo.getParentType();
        if (!type || !isAbstractType(type)) return undefined;
        return { ...node, selections: [...node.selections, typenameField] };
      },
      Field(node): FieldNode | undefined {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value === "__typename") return undefined;
        const coordinate = classifyField(local, schema, getNamedType(parent).name, node.name.value);
        if (!coordinate || !denied.has(coordinate.resource)) return undefined;
        return typenameField;
      },
    }),
  );
}

/** The supergraph's types without the runtime's resolvers, to complete an answer without calling anything. */
const inertSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();
function inertSchemaOf(schema: GraphQLSchema): GraphQLSchema {
  let inert = inertSchemas.get(schema);
  if (!inert) {
    inert = buildASTSchema(parse(printSchema(schema)), { assumeValidSDL: true });
    inertSchemas.set(schema, inert);
  }
  return inert;
}

export function useGatewayAcl<TContext extends object>(options: GatewayAclOptions<TContext>): Plugin {
  return {
    async onExecute({ args }) {
      const coordinates = downstreamCoordinatesOf(options.local, args.schema, args.document);
      if (coordinates.length === 0) return undefined;
      const context = args.contextValue as TContext;
      const authorizer = options.authorizerOf(context);
      const rules = await authorizer.rules();
      const denied = new Set<string>();
      await Promise.all(
        coordinates.map(async (coordinate) => {
          if (!(await decideDownstream(authorizer, rules, coordinate, options.defaultAccess))) {
            denied.add(coordinate.resource);
          }
        }),
      );
      if (denied.size === 0) return undefined;

      const { schema, document, operationName, variableValues } = args;
      args.document = withoutDenied(options.local, schema, document, denied);
      const [message, code] = options.isSignedIn(context)
        ? ["Not allowed to access", ErrorCode.FORBIDDEN]
        : ["Sign in to access", ErrorCode.UNAUTHENTICATED];

      return {
        onExecuteDone({ result, setResult }) {
          // Only single results: the gateway serves no subscriptions, @defer or @stream.
          if (!("data" in result) || !result.data) return;
          const completed = executeSync({
            schema: inertSchemaOf(schema),
            document,
            operationName,
            variableValues,
            rootValue: result.data,
            fieldResolver(source: Record<string, unknown>, _args, _context, info) {
              const resource = `${info.parentType.name}.${info.fieldName}`;
              if (denied.has(resource)) {
                throw new GraphQLError(`${message} ${resource}`, {
                  nodes: info.fieldNodes,
                  path: responsePathAsArray(info.path),
                  extensions: { code },
                });
              }
              return source[info.path.key];
            },
            typeResolver: (value: Record<string, unknown>) => (value[TYPENAME_KEY] ?? value.__typename) as string,
          });
          const errors = [...(result.errors ?? []), ...(completed.errors ?? [])];
          setResult({ ...result, data: completed.data, ...(errors.length > 0 ? { errors } : {}) } as ExecutionResult);
        },
      };
    },
  };
}
