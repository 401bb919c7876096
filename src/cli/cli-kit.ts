/**
 * What every command shares: one-line failures, output for people or for scripts (`--json`), and reading
 * a password without it ever being on the command line.
 */
import { Option } from "commander";
import { GraphQLError } from "graphql";
import { ConfigError, readNamedVariable } from "../config.ts";
import { DataDirLockedError } from "../infra/db/data-dir-lock.ts";

/** A failure the operator can act on: printed as one line, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The line printed for any error: never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof GraphQLError) {
    // The services' own refusals (BAD_USER_INPUT, NOT_FOUND, ...), as an API client would read them.
    const { code, field } = error.extensions as { code?: string; field?: string };
    return `${error.message}${field ? ` (${field})` : ""}${code ? ` [${code}]` : ""}`;
  }
  // The server lists configuration problems one per line; here they share one.
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join("; ")}${error.hint ? ` (${error.hint.replace(/\s+/g, " ").trim()})` : ""}`;
  if (error instanceof DataDirLockedError || error instanceof CliError) return error.message;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}

export const PASSWORD_REFUSED =
  "--password is refused: a password on the command line is visible to other users (ps, /proc) and stays in your shell history; " +
  "pipe it with --password-stdin or name a variable with --password-env VAR";

/** The options a command that takes a password offers, and the refused `--password` (hidden from help). */
export const passwordOptions = [
  new Option("--password-stdin", "read the password from standard input (one trailing newline is stripped)"),
  new Option("--password-env <VAR>", "read the password from the environment variable VAR"),
  new Option("--password <password>", "refused: see --password-stdin").hideHelp(),
];

export interface PasswordFlags {
  passwordStdin?: boolean;
  passwordEnv?: string;
  password?: string;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError("--password-stdin reads a pipe or a file, not the terminal: printf '%s\\n' \"$PASSWORD\" | gatehouse ...");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The password from --password-stdin or --password-env, or undefined when neither is given. */
export async function readPassword(flags: PasswordFlags): Promise<string | undefined> {
  if (flags.password !== undefined) throw new CliError(PASSWORD_REFUSED);
  if (flags.passwordStdin && flags.passwordEnv) throw new CliError("use either --password-stdin or --password-env, not both");
  if (flags.passwordStdin) {
    const value = (await readStdin()).replace(/\r?\n$/, "");
    if (value === "") throw new CliError("--password-stdin: standard input was empty");
    return value;
  }
  if (flags.passwordEnv !== undefined) {
    const value = readNamedVariable(flags.passwordEnv);
    if (value === undefined) throw new CliError(`--password-env: ${flags.passwordEnv} is not set`);
    return value;
  }
  return undefined;
}

/** Writes a value for scripts: one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain table for people: a header, aligned columns. */
export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  const cell = (value: unknown) => (value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i]!)).join("  ").trimEnd();
  const out = [line(columns), ...rows.map((row) => line(columns.map((column) => cell(row[column]))))];
  process.stdout.write(`${out.join("\n")}\n`);
}

/** A positive integer option, or a one-line refusal. */
export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliError(`${name} must be a positive integer, not "${value}"`);
    return Number(value);
  };
}
