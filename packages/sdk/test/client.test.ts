/**
 * The SDK against the real server (refresh-token mode): the full life of an account as a front-end
 * lives it, with codes read from a real SMTP listener and access tokens that really expire.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type MailServer, startMailServer } from "../../../test/helpers/mail.ts";
import { startTestServer, type TestServer } from "../../../test/helpers/server.ts";
import {
  AclRulesDocument,
  AssignRoleDocument,
  AuditLogDocument,
  type AuthChange,
  CreateAclRuleDocument,
  CreateRoleDocument,
  createGatehouseClient,
  DeleteAclRuleDocument,
  DeleteRoleDocument,
  DeleteUserDocument,
  type GatehouseClient,
  GatehouseError,
  MyPermissionsDocument,
  REFRESH_TOKEN_STORAGE_KEY,
  RoleDocument,
  RolesDocument,
  SessionsDocument,
  SettingsDocument,
  UnassignRoleDocument,
  UnlockUserDocument,
  UpdateMeDocument,
  UpdateRoleDocument,
  UpdateSettingsDocument,
  UpdateUserDocument,
  UserDocument,
  UsersDocument,
} from "../src/index.ts";
import { mapStorage } from "./helpers/map-storage.ts";
import { recordingFetch } from "./helpers/recording-fetch.ts";

const ADMIN = { email: "admin@example.com", password: "a long admin passphrase" };

/** The query parameter `name` of the first link in an email that carries it. */
function codeIn(text: string, name: string): string {
  const link = new RegExp(`https?://\\S*[?&]${name}=[^\\s>)\\]]+`).exec(text)?.[0];
  if (!link) throw new Error(`no ${name} link in:\n${text}`);
  return new URL(link).searchParams.get(name)!;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number; sid: string };

/** Waits until the server refuses `jwt` as expired, plus a second so the client sees it as expired too. */
const outlive = (jwt: string) => new Promise((resolve) => setTimeout(resolve, claimsOf(jwt).exp * 1000 - Date.now() + 1_000));

function listen(client: GatehouseClient) {
  const changes: AuthChange[] = [];
  client.onAuthChange((change) => changes.push(change));
  return changes;
}

/** What the error thrown by `promise` is (fails the test if nothing is thrown). */
async function thrown(promise: Promise<unknown>): Promise<GatehouseError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

describe("@gatehouse/sdk against the server", () => {
  let server: TestServer;
  let mail: MailServer;
  let url: string;
  let admin: GatehouseClient;

  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({
      SMTP_URL: mail.url,
      PUBLIC_URL: "http://gatehouse.test",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ACCESS_TOKEN_LIFESPAN: "3",
    });
    url = `${server.url}/graphql`;
    admin = createGatehouseClient({ url });
    await admin.login({ identifier: ADMIN.email, password: ADMIN.password });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  it("registers, confirms by the emailed code, signs in, refreshes once for twenty callers, and signs out", { timeout: 60_000 }, async () => {
    const settings = await admin.request(UpdateSettingsDocument, { input: { emailConfirmation: true } });
    expect(settings.updateSettings.emailConfirmation).toBe(true);
    onTestFinished(async () => void (await admin.request(UpdateSettingsDocument, { input: { emailConfirmation: false } })));

    const recorder = recordingFetch();
    const storage = mapStorage();
    const client = createGatehouseClient({ url, fetch: recorder.fetch, storage });
    const changes = listen(client);
    const credentials = { username: "ada", email: "ada@example.com", password: "analytical engine 1843" };

    const since = mail.messages.length;
    const registered = await client.register(credentials);
    expect(registered).toMatchObject({ signedIn: false, user: { username: "ada", confirmed: false } });
    expect(await client.accessToken()).toBeNull();
    expect(storage.items.size).toBe(0);

    const early = await thrown(client.login({ identifier: "ada", password: credentials.password }));
    expect(early).toMatchObject({ code: "FORBIDDEN", message: "Your account email is not confirmed", path: ["login"] });

    const confirmation = codeIn((await mail.lastEmailTo("ada@example.com", { since })).text, "confirmation");
    const confirmed = await client.confirmEmail(confirmation);
    expect(confirmed).toMatchObject({ signedIn: true, user: { username: "ada", confirmed: true } });

    const signedIn = await client.login({ identifier: "ADA@example.com", password: credentials.password });
    expect(signedIn).toMatchObject({ signedIn: true, user: { username: "ada", email: "ada@example.com" } });
    expect(changes).toEqual([
      { signedIn: true, cause: "signIn" },
      { signedIn: true, cause: "signIn" },
    ]);
    // The refresh token is in the storage under the documented key; the access token only in memory.
    const refreshToken = storage.items.get(REFRESH_TOKEN_STORAGE_KEY);
    expect(refreshToken).toBeTruthy();
    expect([...storage.items.keys()]).toEqual([REFRESH_TOKEN_STORAGE_KEY]);
    expect((await client.me())?.username).toBe("ada");

    const expired = (await client.accessToken())!;
    await outlive(expired);
    const stale = await server.post(JSON.stringify({ query: "{ me { id } }" }), { authorization: `Bearer ${expired}` });
    expect(((await stale.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("UNAUTHENTICATED");

    recorder.requests.length = 0;
    const users = await Promise.all(Array.from({ length: 20 }, () => client.me()));
    expect(users.map((user) => user?.username)).toEqual(Array(20).fill("ada"));
    expect(recorder.count("Refresh")).toBe(1);
    expect(recorder.count("Me")).toBe(20);
    expect(recorder.requests[0]).toMatchObject({ operation: "Refresh", variables: { refreshToken } });
    // All twenty waited for that one refresh and went with its token.
    const sent = new Set(recorder.requests.slice(1).map((request) => request.headers.get("authorization")));
    expect(sent.size).toBe(1);
    expect(sent).not.toContain(`Bearer ${expired}`);
    expect(storage.items.get(REFRESH_TOKEN_STORAGE_KEY)).not.toBe(refreshToken);
    expect(changes.at(-1)).toEqual({ signedIn: true, cause: "refresh" });

    await client.logout();
    expect(changes.at(-1)).toEqual({ signedIn: false, cause: "logout" });
    expect(await client.accessToken()).toBeNull();
    expect(storage.items.size).toBe(0);
    expect(await client.me()).toBeNull();
    // The session is over on the server too: its newest refresh token no longer works.
    const requests = recorder.requests.length;
    await expect(client.refresh()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(recorder.requests.length).toBe(requests); // nothing stored, so nothing to send
  });

  it("signs out and tells the listeners when the server refuses to renew the session, without retrying", { timeout: 30_000 }, async () => {
    const recorder = recordingFetch();
    const client = createGatehouseClient({ url, fetch: recorder.fetch });
    const changes = listen(client);
    await client.register({ username: "bea", email: "bea@example.com", password: "correct horse battery staple" });

    // The session ends elsewhere (another device revokes it) while this client's access token is valid.
    const other = createGatehouseClient({ url });
    await other.login({ identifier: "bea", password: "correct horse battery staple" });
    const session = (await other.sessions()).find((candidate) => !candidate.current)!;
    expect(await other.revokeSession(session.id)).toBe(true);

    recorder.requests.length = 0;
    expect(await client.me()).toBeNull();
    expect(recorder.requests.map((request) => request.operation)).toEqual(["Me", "Refresh", "Me"]);
    expect(recorder.requests[2]!.headers.has("authorization")).toBe(false);
    expect(changes.at(-1)).toEqual({ signedIn: false, cause: "sessionEnded" });
    expect(await client.accessToken()).toBeNull();

    // Signed out means signed out: later calls go anonymous without trying to refresh again.
    expect(await client.me()).toBeNull();
    await expect(client.sessions()).rejects.toMatchObject({ code: "UNAUTHENTICATED", path: ["sessions"] });
    expect(recorder.count("Refresh")).toBe(1);
    expect(changes.filter((change) => !change.signedIn)).toHaveLength(1);
  });

  it("drops a stored refresh token the server no longer accepts", { timeout: 30_000 }, async () => {
    const storage = mapStorage([[REFRESH_TOKEN_STORAGE_KEY, "a token from a session that ended long ago"]]);
    const recorder = recordingFetch();
    const client = createGatehouseClient({ url, fetch: recorder.fetch, storage });
    const changes = listen(client);

    expect(await client.me()).toBeNull();
    expect(recorder.requests.map((request) => request.operation)).toEqual(["Refresh", "Me"]);
    expect(storage.items.size).toBe(0);
    expect(changes).toEqual([{ signedIn: false, cause: "sessionEnded" }]);
  });

  it("resets a forgotten password with the emailed code, changes it, and lists and ends sessions", { timeout: 30_000 }, async () => {
    const client = createGatehouseClient({ url });
    await client.register({ username: "cyd", email: "cyd@example.com", password: "the first passphrase" });

    const since = mail.messages.length;
    await client.forgotPassword({ email: "cyd@example.com" });
    const code = codeIn((await mail.lastEmailTo("cyd@example.com", { since })).text, "code");
    const reset = await client.resetPassword({ code, password: "the second passphrase", passwordConfirmation: "the second passphrase" });
    expect(reset).toMatchObject({ signedIn: true, user: { username: "cyd" } });

    const mismatch = await thrown(
      client.changePassword({ currentPassword: "the second passphrase", password: "a third one", passwordConfirmation: "a 3rd one" }),
    );
    expect(mismatch.code).toBe("BAD_USER_INPUT");
    const changed = await client.changePassword({
      currentPassword: "the second passphrase",
      password: "the third passphrase",
      passwordConfirmation: "the third passphrase",
    });
    expect(changed.signedIn).toBe(true);
    expect((await client.me())?.username).toBe("cyd");

    const laptop = createGatehouseClient({ url });
    await laptop.login({ identifier: "cyd", password: "the third passphrase" });
    const sessions = await client.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    const laptopSession = sessions.find((session) => !session.current)!;
    // One page at a time with the page document, as every list of the server pages.
    const firstPage = (await client.request(SessionsDocument, { first: 1 })).sessions;
    expect(firstPage).toMatchObject({ totalCount: 2, hasNextPage: true });
    const secondPage = (await client.request(SessionsDocument, { first: 1, after: firstPage.endCursor })).sessions;
    expect([...firstPage.nodes, ...secondPage.nodes].map((session) => session.id)).toEqual(sessions.map((session) => session.id));
    expect(await client.revokeSession(laptopSession.id)).toBe(true);
    expect(await laptop.me()).toBeNull();
    expect((await client.sessions()).map((session) => session.id)).not.toContain(laptopSession.id);

    await client.logout({ all: true });
    expect(await client.me()).toBeNull();
  });

  it("throws GatehouseError with the server's code, reason, message and path", { timeout: 30_000 }, async () => {
    const client = createGatehouseClient({ url });
    const wrong = await thrown(client.login({ identifier: "nobody@example.com", password: "not the password" }));
    expect(wrong).toBeInstanceOf(Error);
    expect(wrong).toMatchObject({
      name: "GatehouseError",
      code: "BAD_USER_INPUT",
      message: "Invalid identifier or password",
      path: ["login"],
    });
    expect(wrong.reason).toBe(wrong.extensions.reason);
    expect(wrong.errors).toHaveLength(1);

    const anonymous = await thrown(client.request(UsersDocument));
    expect(anonymous).toMatchObject({ code: "UNAUTHENTICATED", path: ["users"] });

    const unreachable = createGatehouseClient({ url: "http://127.0.0.1:9/graphql" });
    const network = await thrown(unreachable.login({ identifier: "ada", password: "whatever it is" }));
    expect(network).toMatchObject({ code: "NETWORK_ERROR", status: undefined });
    expect(network.cause).toBeInstanceOf(Error);

    const notGraphQL = createGatehouseClient({ url: `${server.url}/health` });
    expect(await thrown(notGraphQL.me())).toMatchObject({ code: "NETWORK_ERROR" });
  });

  it("sends every generated account and admin document, typed, to the server", { timeout: 30_000 }, async () => {
    const dev = createGatehouseClient({ url });
    await dev.register({ username: "dev", email: "dev@example.com", password: "correct horse battery staple" });
    const { updateMe } = await dev.request(UpdateMeDocument, { data: { username: "devon" } });
    expect(updateMe.username).toBe("devon");
    const { myPermissions } = await dev.request(MyPermissionsDocument);
    expect(myPermissions.map((permission) => permission.resource)).toContain("Query.me");

    const { users } = await admin.request(UsersDocument, { filter: { text: "devon" } });
    expect(users.nodes.map((user) => [user.username, user.email, user.role.type])).toEqual([["devon", "dev@example.com", "authenticated"]]);
    const id = users.nodes[0]!.id;
    expect((await admin.request(UserDocument, { id })).user.username).toBe("devon");
    expect((await admin.request(UpdateUserDocument, { id, data: { profile: { team: "core" } } })).updateUser.profile).toEqual({ team: "core" });
    expect((await admin.request(UnlockUserDocument, { id })).unlockUser.ok).toBe(true);

    const { createRole } = await admin.request(CreateRoleDocument, { data: { name: "Editors" } });
    expect(createRole.type).toBe("editors");
    expect((await admin.request(UpdateRoleDocument, { id: createRole.id, data: { description: "Write articles" } })).updateRole.description).toBe(
      "Write articles",
    );
    expect((await admin.request(RoleDocument, { id: createRole.id })).role.name).toBe("Editors");
    expect((await admin.request(RolesDocument)).roles.map((role) => role.type)).toEqual(expect.arrayContaining(["public", "authenticated", "admin", "editors"]));
    expect((await admin.request(AssignRoleDocument, { userId: id, roleId: createRole.id })).assignRole.ok).toBe(true);
    expect((await admin.request(UserDocument, { id })).user.roles.map((role) => role.type)).toEqual(["authenticated", "editors"]);
    expect((await admin.request(UnassignRoleDocument, { userId: id, roleId: createRole.id })).unassignRole.ok).toBe(true);

    const { createAclRule } = await admin.request(CreateAclRuleDocument, {
      data: { resource: "Query.roles", principalType: "ROLE", principalId: "editors", permission: "ALLOW" },
    });
    expect((await admin.request(AclRulesDocument)).aclRules.map((rule) => rule.id)).toContain(createAclRule.id);
    expect((await admin.request(DeleteAclRuleDocument, { id: createAclRule.id })).deleteAclRule.ok).toBe(true);
    expect((await admin.request(DeleteRoleDocument, { id: createRole.id })).deleteRole.ok).toBe(true);

    expect((await admin.request(SettingsDocument)).settings.emailTemplates.map((template) => template.name)).toContain("resetPassword");
    const { auditLog } = await admin.request(AuditLogDocument, { filter: { actions: ["ROLE_CHANGED"] }, first: 10 });
    expect(auditLog.nodes.length).toBeGreaterThan(0);
    expect(auditLog.nodes.every((entry) => entry.action === "ROLE_CHANGED")).toBe(true);

    expect((await admin.request(DeleteUserDocument, { id })).deleteUser.ok).toBe(true);
    await expect(admin.request(UserDocument, { id })).rejects.toMatchObject({ code: "NOT_FOUND", path: ["user"] });
    // A signed-in user who is not an admin is FORBIDDEN, not UNAUTHENTICATED.
    const other = createGatehouseClient({ url });
    await other.register({ username: "eve", email: "eve@example.com", password: "correct horse battery staple" });
    await expect(other.request(UsersDocument)).rejects.toMatchObject({ code: "FORBIDDEN", path: ["users"] });
  });
});
