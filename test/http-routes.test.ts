/**
 * The HTTP router over a real socket: only the one GraphQL endpoint executes GraphQL, every other path
 * that is not a route answers 404, and every route passes the same client-IP resolution, request rate
 * limit and security headers as /graphql. Paths are sent raw (node:http), as an attacker would, so no
 * client-side URL normalisation hides a variant.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAdvancedSettings } from "./helpers/auth.ts";
import { type MailServer, startMailServer } from "./helpers/mail.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";
import { ConfirmEmail, RegisterPending } from "./operations/auth.ts";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `path` exactly as given. */
function raw(server: TestServer, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const { hostname, port } = new URL(server.url);
  return new Promise<RawResponse>((resolve, reject) => {
    const outgoing = httpRequest({ host: hostname, port, method, path, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const codeOf = (response: RawResponse) =>
  (JSON.parse(response.body) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;

const formRegister = (username: string) =>
  new URLSearchParams({
    query: `mutation { register(input: { username: "${username}", email: "${username}@example.com", password: "a long passphrase for forms" }) { jwt } }`,
  }).toString();

const jsonRegister = (username: string) =>
  JSON.stringify({
    query: `mutation { register(input: { username: "${username}", email: "${username}@example.com", password: "a long passphrase for json" }) { jwt } }`,
  });

/** Paths Yoga itself would treat as its endpoint, or that look like it. */
const variants = ["/graphql/", "/graphql//", "//graphql", "/GRAPHQL", "/Graphql", "/graphql%2F", "/graphql/x", "/graphql;x"];

describe("one GraphQL endpoint", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REQUEST_RATE_LIMIT_MAX: "10000" });
  });
  afterAll(() => server?.close());

  it.each(variants)("executes nothing on %s: a form-encoded or JSON mutation gets 404", async (path) => {
    const name = `v${variants.indexOf(path)}`;
    const form = await raw(server, "POST", path, { "content-type": "application/x-www-form-urlencoded" }, formRegister(`${name}form`));
    expect(form.status).toBe(404);
    expect(codeOf(form)).toBe("NOT_FOUND");
    const json = await raw(server, "POST", path, { "content-type": "application/json" }, jsonRegister(`${name}json`));
    expect(json.status).toBe(404);
    const get = await raw(server, "GET", `${path}?query=${encodeURIComponent("{ myPermissions { resource } }")}`);
    expect(get.status).toBe(404);
    expect(await server.prisma.user.count({ where: { username: { startsWith: name } } })).toBe(0);
  });

  it("refuses a form-encoded mutation on /graphql with a query string (415), and creates nothing", async () => {
    const response = await raw(server, "POST", "/graphql?x=1", { "content-type": "application/x-www-form-urlencoded" }, formRegister("querystring"));
    expect(response.status).toBe(415);
    expect(codeOf(response)).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await server.prisma.user.count({ where: { username: "querystring" } })).toBe(0);
  });

  it("still serves the endpoint, the routes and the health checks at their exact paths", async () => {
    const ok = await raw(server, "POST", "/graphql?x=1", { "content-type": "application/json" }, jsonRegister("exact"));
    expect(ok.status).toBe(200);
    expect(await server.prisma.user.count({ where: { username: "exact" } })).toBe(1);
    expect((await raw(server, "GET", "/.well-known/jwks.json")).status).toBe(200);
    expect((await raw(server, "GET", "/health")).status).toBe(200);
    expect((await raw(server, "GET", "/ready")).status).toBe(200);
  });

  it.each([
    ["GET", "/"],
    ["GET", "/favicon.ico"],
    ["GET", "/health/"],
    ["GET", "/.well-known/jwks.json/"],
    ["POST", "/.well-known/jwks.json"],
    ["GET", "/auth/email-confirmation/"],
    ["DELETE", "/auth/email-confirmation"],
    ["GET", "/connect"],
    ["GET", "/connect/github/"],
    ["GET", "/connect/git%2Fhub"],
    ["GET", "/connect/github/callback/"],
    ["GET", "/connect/github/other"],
    ["PUT", "/connect/github"],
    ["GET", "/../etc/passwd"],
  ])("answers %s %s with 404 and the security headers", async (method, path) => {
    const response = await raw(server, method, path);
    expect(response.status).toBe(404);
    expect(codeOf(response)).toBe("NOT_FOUND");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
  });
});

describe("every route under the same request rate limit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REQUEST_RATE_LIMIT_MAX: "3", REQUEST_RATE_LIMIT_WINDOW_SECONDS: "60" });
  });
  afterAll(() => server?.close());

  it("answers 429 on every path once the IP used its budget, except the health checks", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await raw(server, "POST", "/graphql", { "content-type": "application/json" }, JSON.stringify({ query: "{ myPermissions { resource } }" }))).status).toBe(200);
    }
    const form = { "content-type": "application/x-www-form-urlencoded" };
    for (const [method, path, headers, body] of [
      ["POST", "/graphql", form, formRegister("limited")],
      ["POST", "/graphql?x", form, formRegister("limited")],
      ...variants.map((path) => ["POST", path, form, formRegister("limited")] as const),
      ["GET", "/.well-known/jwks.json", {}, undefined],
      ["GET", "/auth/email-confirmation?confirmation=whatever", {}, undefined],
      ["GET", "/connect/github?redirect=https%3A%2F%2Fapp.example.com", {}, undefined],
      ["GET", "/connect/github/callback?code=x&state=y", {}, undefined],
      ["POST", "/connect/github/callback", form, "code=x&state=y"],
      ["GET", "/no-such-page", {}, undefined],
    ] as const) {
      const response = await raw(server, method, path, { ...headers }, body);
      expect(response.status, `${method} ${path}`).toBe(429);
      expect(codeOf(response)).toBe("RATE_LIMITED");
      expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    }
    expect(await server.prisma.user.count({ where: { username: "limited" } })).toBe(0);
    expect((await raw(server, "GET", "/health")).status).toBe(200);
    expect((await raw(server, "GET", "/ready")).status).toBe(200);
  });
});

describe("the confirmation link route", () => {
  let mail: MailServer;
  let server: TestServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({
      SMTP_URL: mail.url,
      TRUSTED_PROXIES: "127.0.0.1",
      RATE_LIMITS: '{"emailConfirmation":{"max":3,"windowSeconds":60}}',
    });
    await setAdvancedSettings(server.prisma, { emailConfirmation: true });
  });
  afterAll(async () => {
    await server?.close();
    await mail?.stop();
  });

  /** Registers `username` and returns the path and query of the link in its confirmation email. */
  async function confirmationLink(username: string): Promise<string> {
    const since = mail.messages.length;
    const registered = await server.gql(RegisterPending, {
      input: { username, email: `${username}@example.com`, password: "a long passphrase for links" },
    });
    expect(registered.errors).toBeUndefined();
    const email = await mail.lastEmailTo(`${username}@example.com`, { since });
    const href = /https?:\/\/\S+\/auth\/email-confirmation\?confirmation=[\w-]+/.exec(email.text)?.[0];
    if (!href) throw new Error(`no confirmation link in: ${email.text}`);
    const link = new URL(href);
    return `${link.pathname}${link.search}`;
  }

  it("records the client's IP (as the trusted proxy forwarded it) and user agent in the audit entry", async () => {
    const link = await confirmationLink("linkaudit");
    const response = await raw(server, "GET", link, { "user-agent": "mail-client/1.0", "x-forwarded-for": "198.51.100.77" });
    expect(response.status).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    const user = await server.prisma.user.findUniqueOrThrow({ where: { username: "linkaudit" } });
    expect(user.confirmed).toBe(true);
    const entry = await server.prisma.auditLog.findFirstOrThrow({ where: { action: "EMAIL_CONFIRMED", targetId: String(user.id) } });
    expect(entry).toMatchObject({ ip: "198.51.100.77", userAgent: "mail-client/1.0", actorId: user.id });
  });

  it("is rate limited like emailConfirmation, sharing its budget per IP", async () => {
    const link = await confirmationLink("linklimit");
    const from = { "x-forwarded-for": "203.0.113.50" };
    expect((await raw(server, "GET", "/auth/email-confirmation?confirmation=forged-1", from)).status).toBe(400);
    const mutation = await server.gql(ConfirmEmail, { confirmation: "forged-2" }, { headers: from });
    expect(mutation.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await raw(server, "GET", "/auth/email-confirmation?confirmation=forged-3", from)).status).toBe(400);

    const limited = await raw(server, "GET", link, from);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.body).toMatch(/Too many attempts/);
    const mutationLimited = await server.gql(ConfirmEmail, { confirmation: "forged-4" }, { headers: from });
    expect(mutationLimited.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect((await server.prisma.user.findUniqueOrThrow({ where: { username: "linklimit" } })).confirmed).toBe(false);

    // Another client is not affected.
    expect((await raw(server, "GET", link, { "x-forwarded-for": "203.0.113.51" })).status).toBe(200);
    expect((await server.prisma.user.findUniqueOrThrow({ where: { username: "linklimit" } })).confirmed).toBe(true);
  });
});
