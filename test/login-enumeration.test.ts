/**
 * `login` tells nobody which accounts exist (issue 9 items 6-8), over HTTP against a real database:
 * identifiers are emails or usernames, never both; every attempt costs exactly one bcrypt comparison,
 * counted by the hasher the services are given; and the lockout answers an account's identifiers
 * exactly as it answers identifiers that name nobody, while still sharing one failure budget per account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher, type PasswordHasher } from "../src/modules/auth/passwords.ts";
import { usernameKey } from "../src/modules/users/identity.ts";
import { createUser, setAdvancedSettings } from "./helpers/auth.ts";
import { errorCode, startTestServer, type TestServer } from "./helpers/server.ts";
import { Login } from "./operations/auth.ts";

/** The real bcrypt hasher, counting the comparisons the services ask of it. */
function countingHasher(): PasswordHasher & { compares: number } {
  const real = createPasswordHasher({ cost: 4 });
  const hasher = {
    compares: 0,
    hash: real.hash,
    verify(password: string, passwordHash: string | null | undefined) {
      hasher.compares++;
      return real.verify(password, passwordHash);
    },
  };
  return hasher;
}

const PASSWORD = "correct horse battery staple";

describe("login looks an identifier up as an email or as a username, never both", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // A row from before the identity rules: its username is another account's email. It was written
    // first, so a lookup by "email OR username" finds it before the real owner of the address.
    await createUser(server.prisma, { username: "victim@example.com", email: "squatter@example.com", password: "the squatter's secret" });
    await createUser(server.prisma, { username: "victim", email: "victim@example.com", password: PASSWORD });
  });
  afterAll(() => server?.close());

  it("signs the address's owner in, and never the account whose username spells it", async () => {
    const owner = await server.gql(Login, { input: { identifier: "victim@example.com", password: PASSWORD } });
    expect(owner.errors).toBeUndefined();
    expect(owner.data?.login.user.username).toBe("victim");

    const shadow = await server.gql(Login, { input: { identifier: "Victim@Example.com", password: "the squatter's secret" } });
    expect(errorCode(shadow)).toBe("BAD_USER_INPUT");
    expect(shadow.errors?.[0]?.extensions?.reason).toBe("INVALID_CREDENTIALS");
    // The squatter still signs in with their own email.
    const squatter = await server.gql(Login, { input: { identifier: "squatter@example.com", password: "the squatter's secret" } });
    expect(squatter.data?.login.user.username).toBe("victim@example.com");
  });

  it("looks usernames up by their unique key, so any case names the same account", async () => {
    const result = await server.gql(Login, { input: { identifier: "VICTIM", password: PASSWORD } });
    expect(result.data?.login.user.username).toBe("victim");
  });
});

describe("login costs exactly one bcrypt comparison on every path", () => {
  let server: TestServer;
  const hasher = countingHasher();
  beforeAll(async () => {
    server = await startTestServer({}, { passwords: hasher });
    await createUser(server.prisma, { username: "known", email: "known@example.com", password: PASSWORD });
    await createUser(server.prisma, { username: "unconfirmed", email: "unconfirmed@example.com", password: PASSWORD, confirmed: false });
    await createUser(server.prisma, { username: "blocked", email: "blocked@example.com", password: PASSWORD, blocked: true });
    // Imported from Strapi: hashed from the password as typed, here a full-width one that NFKC changes.
    const imported = await createUser(server.prisma, { username: "imported", email: "imported@example.com" });
    await server.prisma.user.update({
      where: { id: imported.id },
      data: { passwordHash: await createPasswordHasher({ cost: 4 }).hash("ｆｕｌｌ ｗｉｄｔｈ ｓｅｃｒｅｔ"), passwordNormalized: false },
    });
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
  });
  afterAll(() => server?.close());

  /** Runs one login and returns its outcome and how many comparisons it cost. */
  async function attempt(identifier: string, password: string) {
    const before = hasher.compares;
    const result = await server.gql(Login, { input: { identifier, password } });
    return { outcome: result.data?.login ? "signed-in" : result.errors?.[0]?.extensions?.reason, compares: hasher.compares - before };
  }

  // Full-width text is one of the inputs NFKC changes: "ｗｒｏｎｇ" becomes "wrong".
  const cases: [string, string, string, string][] = [
    ["an unknown username", "nobody", "wrong guess here", "INVALID_CREDENTIALS"],
    ["an unknown email", "nobody@example.com", "wrong guess here", "INVALID_CREDENTIALS"],
    ["an unknown account with a password NFKC changes", "nobody", "ｗｒｏｎｇ ｇｕｅｓｓ ｈｅｒｅ", "INVALID_CREDENTIALS"],
    ["a wrong password", "known", "wrong guess here", "INVALID_CREDENTIALS"],
    ["a wrong password NFKC changes", "known", "ｗｒｏｎｇ ｇｕｅｓｓ ｈｅｒｅ", "INVALID_CREDENTIALS"],
    ["the right password", "known@example.com", PASSWORD, "signed-in"],
    ["the right password typed full-width", "known", "ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ ｓｔａｐｌｅ", "signed-in"],
    ["an unconfirmed account", "unconfirmed", PASSWORD, "EMAIL_NOT_CONFIRMED"],
    ["a blocked account", "blocked", PASSWORD, "ACCOUNT_BLOCKED"],
    ["a wrong password against an imported hash", "imported", "ｗｒｏｎｇ ｇｕｅｓｓ ｈｅｒｅ", "INVALID_CREDENTIALS"],
  ];

  it.each(cases)("%s", async (_name, identifier, password, expected) => {
    expect(await attempt(identifier, password)).toEqual({ outcome: expected, compares: 1 });
  });

  it("signs an imported account in with one comparison of the password as typed, then keeps an NFKC hash", async () => {
    expect(await attempt("imported", "ｆｕｌｌ ｗｉｄｔｈ ｓｅｃｒｅｔ")).toEqual({ outcome: "signed-in", compares: 1 });
    const user = await server.prisma.user.findUniqueOrThrow({ where: { usernameKey: usernameKey("imported") } });
    expect(user.passwordNormalized).toBe(true);
    // Both spellings now match, still with one comparison each.
    expect(await attempt("imported", "full width secret")).toEqual({ outcome: "signed-in", compares: 1 });
    expect(await attempt("imported", "ｆｕｌｌ ｗｉｄｔｈ ｓｅｃｒｅｔ")).toEqual({ outcome: "signed-in", compares: 1 });
  });
});

describe("the lockout does not tell accounts from strangers, nor link a username to its email", () => {
  let server: TestServer;
  const hasher = countingHasher();
  let ip = 0;
  /** A fresh client address for each scenario, so scenarios do not share counters. */
  const nextClient = () => ({ headers: { "x-forwarded-for": `203.0.113.${++ip}` } });
  beforeAll(async () => {
    server = await startTestServer({ TRUSTED_PROXIES: "127.0.0.1", LOCKOUT_MAX_FAILURES: "3" }, { passwords: hasher });
    await createUser(server.prisma, { username: "Wendy", email: "wendy@example.com", password: PASSWORD });
  });
  afterAll(() => server?.close());

  /** The answers (reason, or "signed-in") to a series of logins from one fresh address. */
  async function answers(attempts: [string, string][], client = nextClient()) {
    const seen: string[] = [];
    for (const [identifier, password] of attempts) {
      const result = await server.gql(Login, { input: { identifier, password } }, client);
      seen.push(result.data?.login ? "signed-in" : String(result.errors?.[0]?.extensions?.reason));
    }
    return seen;
  }

  it("answers an account's username and email as it answers a username and email that name nobody", async () => {
    const series = (username: string, email: string): [string, string][] =>
      [username, username, email, username, email, email, username, email].map((identifier) => [identifier, "wrong guess here"]);
    const known = await answers(series("Wendy", "wendy@example.com"));
    const unknown = await answers(series("ghost", "ghost@example.com"));
    expect(known).toEqual(unknown);
    // Each identifier shows its own lock after its own 3 failures; the account's shared budget, spent
    // after the third attempt here, never shows.
    expect(known).toEqual([...Array(6).fill("INVALID_CREDENTIALS"), "ACCOUNT_LOCKED", "ACCOUNT_LOCKED"]);
  });

  it("locks every spelling of an identifier together, known or not", async () => {
    const series = (first: string, second: string): [string, string][] =>
      [first, first, first, second].map((identifier) => [identifier, "wrong guess here"]);
    const known = await answers(series("Wendy", "WENDY"));
    const unknown = await answers(series("Ghost", "GHOST"));
    expect(known).toEqual(unknown);
    expect(known.at(-1)).toBe("ACCOUNT_LOCKED");
  });

  it("still gives the account one budget: once spent through both identifiers, the right password is not evaluated", async () => {
    const wrong = "wrong guess here";
    const before = hasher.compares;
    const client = nextClient();
    const seen = await answers([["wendy", wrong], ["wendy", wrong], ["wendy@example.com", wrong], ["wendy@example.com", PASSWORD]], client);
    // Not ACCOUNT_LOCKED (that would link the two identifiers), not signed in (the budget is spent),
    // and still one comparison per attempt (against the dummy hash for the last one).
    expect(seen).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS"]);
    expect(hasher.compares - before).toBe(4);
    const audited = await server.prisma.auditLog.count({
      where: { action: "LOGIN_FAILED", ip: client.headers["x-forwarded-for"], metadata: { path: ["reason"], equals: "account-budget-spent" } },
    });
    expect(audited).toBe(1);
    // The owner, from their own address, is not affected.
    expect(await answers([["wendy@example.com", PASSWORD]])).toEqual(["signed-in"]);
  });
});
