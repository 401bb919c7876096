/**
 * @gatehouse/sdk: a typed client for Gatehouse. `createGatehouseClient` for the auth flows; the generated
 * documents (UsersDocument, UpdateSettingsDocument, ...) and their types for `client.request`.
 */
export {
  createGatehouseClient,
  CSRF_HEADER,
  REFRESH_TOKEN_STORAGE_KEY,
  type AuthChange,
  type AuthChangeCause,
  type AuthListener,
  type AuthResult,
  type AuthUser,
  type GatehouseClient,
  type GatehouseClientOptions,
  type Session,
  type TokenStorage,
  type TypedDocument,
  type VariablesArgument,
} from "./client.js";
export { GatehouseError, isGatehouseError, type GatehouseErrorCode, type GraphQLErrorPayload } from "./errors.js";
export * from "./gql/graphql.js";
