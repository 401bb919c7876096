/** `gatehouse admin create` and `gatehouse users …`: the same services the admin mutations call. */
import type { Command } from "commander";
import { usernameFromEmail } from "../../modules/users/identity.ts";
import { CliError, type PasswordFlags, passwordOptions, positiveInt, printJson, printTable, readPassword } from "../cli-kit.ts";
import { type Runtime, withRuntime } from "../runtime.ts";

const userInclude = { primaryRole: true } as const;

type UserRow = Awaited<ReturnType<Runtime["services"]["users"]["loadMany"]>>[number] & { primaryRole?: { type: string } };

/** A user as the CLI shows it: never the password hash. */
const view = (user: UserRow) => ({
  id: user.id,
  documentId: user.documentId,
  username: user.username,
  email: user.email,
  provider: user.provider,
  role: user.primaryRole?.type ?? null,
  confirmed: user.confirmed,
  blocked: user.blocked,
  profile: user.profile,
  createdAt: user.createdAt.toISOString(),
});

/** A user named by id, email or username, as operators know them. */
async function findUserId({ services }: Runtime, who: string): Promise<number> {
  const value = who.trim();
  const where = /^\d+$/.test(value)
    ? { id: Number(value) }
    : value.includes("@")
      ? { email: value.toLowerCase() }
      : { username: { equals: value.normalize("NFKC"), mode: "insensitive" as const } };
  const user = await services.prisma.user.findFirst({ where, select: { id: true } });
  if (!user) throw new CliError(`no user ${JSON.stringify(who)} (give an id, an email or a username)`);
  return user.id;
}

/**
 * Delivers the set-password email now (the server may not be running) and says what became of it: the
 * mail request becomes an email in the outbox, which is then sent.
 */
async function deliverSetPasswordEmail({ services }: Runtime, to: string): Promise<string> {
  await services.auth.mailRequests.flush();
  await services.email.worker.flush();
  const row = await services.prisma.emailOutbox.findFirst({ where: { to }, orderBy: { id: "desc" }, select: { status: true, lastError: true } });
  if (row?.status === "SENT") return `a set-password link was emailed to ${to}`;
  return `a set-password email to ${to} is queued (${row?.lastError ?? "not sent yet"}); the server's outbox worker retries it`;
}

interface CreateFlags extends PasswordFlags {
  email: string;
  username?: string;
  role?: string;
  confirmed?: boolean;
  blocked?: boolean;
  profile?: string;
  json?: boolean;
}

function parseProfile(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError("--profile must be a JSON object, e.g. '{\"team\":\"ops\"}'");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CliError("--profile must be a JSON object");
  return value as Record<string, unknown>;
}

async function create(command: string, flags: CreateFlags, defaults: { role?: string; confirmed?: boolean }) {
  const password = await readPassword(flags);
  const username = flags.username ?? usernameFromEmail(flags.email.trim().toLowerCase());
  if (!username) throw new CliError("the email's local part is not a valid username: give --username");
  const profile = parseProfile(flags.profile);
  await withRuntime(command, async (runtime) => {
    const { user, setPasswordEmail } = await runtime.services.auth.createUser(
      {
        username,
        email: flags.email,
        password,
        role: flags.role ?? defaults.role,
        confirmed: flags.confirmed ?? defaults.confirmed,
        blocked: flags.blocked,
        profile,
      },
      runtime.source,
    );
    const email = setPasswordEmail ? await deliverSetPasswordEmail(runtime, user.email) : undefined;
    if (flags.json) printJson({ user: view(user), setPasswordEmail: email ?? null });
    else {
      console.log(`created user ${user.id} ${user.username} <${user.email}> with role ${user.primaryRole.type}`);
      if (email) console.log(email);
    }
  });
}

const withPasswordOptions = (command: Command) => {
  for (const option of passwordOptions) command.addOption(option);
  return command;
};

export function registerUserCommands(program: Command): void {
  const admin = program.command("admin").description("the accounts that manage Gatehouse");
  withPasswordOptions(
    admin
      .command("create")
      .description("create an admin (confirmed); without a password they are emailed a set-password link")
      .requiredOption("--email <email>", "their email address")
      .option("--username <username>", "default: the email's local part")
      .option("--json", "print the created user as JSON"),
  ).action((flags: CreateFlags) => create("admin create", flags, { role: "admin", confirmed: true }));

  const users = program.command("users").description("list, show, create, block and unlock users");

  users
    .command("list")
    .description("users in id order")
    .option("--role <type>", "only users with this role (primary or further)")
    .option("--blocked", "only blocked users")
    .option("--search <text>", "part of the username or email")
    .option("--first <n>", "page size (at most 100)", positiveInt("--first"), 25)
    .option("--after <cursor>", "the endCursor of the previous page")
    .option("--all", "every page")
    .option("--json", "print { totalCount, hasNextPage, endCursor, nodes } as JSON")
    .action(
      (flags: { role?: string; blocked?: boolean; search?: string; first: number; after?: string; all?: boolean; json?: boolean }) =>
        withRuntime("users list", async ({ services }) => {
          const filter = { role: flags.role, blocked: flags.blocked ? true : null, text: flags.search, searchEmail: true };
          const nodes: ReturnType<typeof view>[] = [];
          let after = flags.after ?? null;
          let page;
          do {
            page = await services.users.findPage(filter, { first: flags.first, after });
            const rows = await services.users.loadMany(page.nodes.map((node) => node.id), { include: userInclude });
            nodes.push(...rows.map(view));
            after = page.endCursor;
          } while (flags.all && page.hasNextPage);
          const totalCount = await page.totalCount();
          if (flags.json) printJson({ totalCount, hasNextPage: page.hasNextPage, endCursor: page.endCursor, nodes });
          else {
            printTable(nodes, ["id", "username", "email", "role", "confirmed", "blocked", "createdAt"]);
            if (page.hasNextPage) console.log(`${nodes.length} of ${totalCount}; next page: --after ${page.endCursor}`);
          }
        }),
    );

  users
    .command("show")
    .description("one user, by id, email or username")
    .argument("<user>", "id, email or username")
    .option("--json", "print the user as JSON")
    .action((who: string, flags: { json?: boolean }) =>
      withRuntime("users show", async (runtime) => {
        const user = await runtime.services.users.get(await findUserId(runtime, who), { include: userInclude });
        const shown = view(user);
        if (flags.json) printJson(shown);
        else for (const [key, value] of Object.entries(shown)) console.log(`${key.padEnd(11)} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
      }),
    );

  withPasswordOptions(
    users
      .command("create")
      .description("create a user; without a password they are emailed a set-password link")
      .requiredOption("--email <email>", "their email address")
      .option("--username <username>", "default: the email's local part")
      .option("--role <role>", "primary role by type or id (default: the default role of the settings)")
      .option("--confirmed", "mark the email as confirmed")
      .option("--blocked", "create the account blocked")
      .option("--profile <json>", "profile fields as a JSON object")
      .option("--json", "print the created user as JSON"),
  ).action((flags: CreateFlags) => create("users create", flags, {}));

  const change = (name: string, description: string, run: (runtime: Runtime, id: number) => Promise<string>) =>
    users
      .command(name)
      .description(description)
      .argument("<user>", "id, email or username")
      .option("--json", "print the outcome as JSON")
      .action((who: string, flags: { json?: boolean }) =>
        withRuntime(`users ${name}`, async (runtime) => {
          const id = await findUserId(runtime, who);
          const message = await run(runtime, id);
          if (flags.json) printJson({ id, ok: true, message });
          else console.log(message);
        }),
      );

  change("block", "block a user (also ends their sessions)", async ({ services, source }, id) => {
    await services.users.update(id, { blocked: true }, source);
    return `user ${id} is blocked and signed out everywhere`;
  });
  change("unblock", "unblock a user", async ({ services, source }, id) => {
    await services.users.update(id, { blocked: false }, source);
    return `user ${id} is unblocked`;
  });
  change("unlock", "lift a user's failed sign-in lockout, from every IP", async ({ services, source, redis }, id) => {
    // Without Redis the lockout lives in the server's memory, out of this process's reach.
    if (!redis) {
      throw new CliError(
        "lockouts are kept in the server's memory when REDIS_URL is not set: use the unlockUser mutation, or restart the server",
      );
    }
    await services.users.unlock(id, source);
    return `user ${id} is unlocked`;
  });
  change("revoke-sessions", "end every session of a user (they sign in again)", async ({ services, source }, id) => {
    const count = await services.users.revokeSessions(id, source);
    return `ended ${count} session${count === 1 ? "" : "s"} of user ${id}`;
  });
}
