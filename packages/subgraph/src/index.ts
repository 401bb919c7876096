export { GatehouseAuthError, type GatehouseAuthErrorCode } from "./errors.ts";
export {
  createGatehouseVerifier,
  GATEHOUSE_ALGORITHMS,
  type GatehouseAlgorithm,
  type GatehouseIdentity,
  type GatehouseVerifier,
  type GatehouseVerifierOptions,
  type RequestWithHeaders,
  verifyGatehouseRequest,
} from "./verify.ts";
