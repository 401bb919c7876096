/**
 * The catalogue of error codes clients may see in `extensions.code`. Anything thrown that is not a
 * GatehouseError is masked by Yoga as INTERNAL_SERVER_ERROR ("Unexpected error."), so never wrap an
 * internal error in one of these.
 */
import { GraphQLError } from "graphql";

export const ErrorCode = {
  BAD_USER_INPUT: "BAD_USER_INPUT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  /** A request a browser could have sent cross-site without a preflight (cookie mode). */
  CSRF_REJECTED: "CSRF_REJECTED",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  RATE_LIMITED: "RATE_LIMITED",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class GatehouseError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = "GatehouseError";
  }
}

export const badUserInput = (message: string, extensions?: Record<string, unknown>) =>
  new GatehouseError(ErrorCode.BAD_USER_INPUT, message, extensions);
export const unauthenticated = (message = "You must be signed in") =>
  new GatehouseError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = "Forbidden") => new GatehouseError(ErrorCode.FORBIDDEN, message);
export const notFound = (message = "Not found") => new GatehouseError(ErrorCode.NOT_FOUND, message);
export const conflict = (message: string) => new GatehouseError(ErrorCode.CONFLICT, message);
