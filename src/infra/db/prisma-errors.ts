/**
 * The one place database errors become client errors: a unique violation is a CONFLICT, a missing
 * record NOT_FOUND, a dangling reference BAD_USER_INPUT. Anything else is rethrown untouched, so Yoga
 * masks it.
 */
import { badUserInput, conflict, notFound } from "../../errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";

export interface PrismaErrorMessages {
  conflict?: string;
  notFound?: string;
}

export function mapPrismaError(error: unknown, messages: PrismaErrorMessages = {}): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return error;
  switch (error.code) {
    case "P2002":
      return conflict(messages.conflict ?? "Already exists");
    case "P2025":
      return notFound(messages.notFound);
    case "P2003":
      return badUserInput("Refers to a record that does not exist");
    default:
      return error;
  }
}

/** Runs a database operation and maps its known errors (see mapPrismaError). */
export async function withPrismaErrors<T>(operation: Promise<T>, messages?: PrismaErrorMessages): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw mapPrismaError(error, messages);
  }
}
