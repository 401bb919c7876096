/**
 * A stand-in for Gatehouse in a subgraph's tests: a real key set served on 127.0.0.1 (port 0) and tokens
 * signed the way Gatehouse's gateway signs them (`sub`, `roles`, `sid`, `aud` = the subgraph, 60 s).
 * Node only (it listens with node:http).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import type { GatehouseAlgorithm } from "./verify.ts";

export interface TestIssuerOptions {
  /** Signing algorithm (default EdDSA, Gatehouse's default). */
  algorithm?: GatehouseAlgorithm;
  /** The `iss` claim (default the issuer's own base URL, `http://127.0.0.1:<port>`). */
  issuer?: string;
}

export interface TestTokenInput {
  /** The `sub` claim. */
  userId: string;
  /** The `aud` claim: the subgraph's name. */
  audience: string | string[];
  /** The `roles` claim (default `["authenticated"]`). */
  roles?: string[];
  /** The `sid` claim (default a random id; null leaves it out, like Gatehouse's legacy tokens). */
  sessionId?: string | null;
  /** Seconds from now to `exp` (default 60, as Gatehouse's gateway); zero or less gives an expired token. */
  expiresIn?: number;
  /** The key to sign with (default the current one). */
  kid?: string;
  /** Claims set last, over any of the above (to test how wrong or malformed claims are refused). */
  claims?: JWTPayload;
}

export interface TestIssuer {
  issuer: string;
  /** `<base>/.well-known/jwks.json`, as Gatehouse serves it. */
  jwksUrl: string;
  algorithm: GatehouseAlgorithm;
  /** The key that signs by default: the newest published one. */
  readonly currentKid: string;
  /** How many times the key set has been fetched. */
  readonly jwksRequests: number;
  sign(input: TestTokenInput): Promise<string>;
  /**
   * Generates a key and returns its kid. Published (the default), it becomes the current signing key and
   * the older keys stay published after it, as in Gatehouse's rotation; unpublished, its tokens carry a
   * kid the key set does not have until {@link TestIssuer.publishKey}.
   */
  addKey(options?: { publish?: boolean }): Promise<string>;
  publishKey(kid: string): void;
  /** The key set as currently served (public keys only). */
  jwks(): { keys: JWK[] };
  close(): Promise<void>;
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

interface IssuerKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const algorithm = options.algorithm ?? "EdDSA";
  const keys = new Map<string, IssuerKey>();
  /** Published kids, newest (signing) first. */
  let published: string[] = [];
  let jwksRequests = 0;

  const jwks = () => ({ keys: published.map((kid) => keys.get(kid)!.publicJwk) });

  const server = createServer((request, response) => {
    if (request.method === "GET" && request.url === "/.well-known/jwks.json") {
      jwksRequests += 1;
      response.writeHead(200, { "content-type": "application/jwk-set+json" }).end(JSON.stringify(jwks()));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = options.issuer ?? base;

  const addKey = async ({ publish = true }: { publish?: boolean } = {}) => {
    const pair = await generateKeyPair(algorithm, { extractable: true, crv: algorithm === "EdDSA" ? "Ed25519" : undefined });
    const jwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    keys.set(kid, { kid, privateKey: pair.privateKey, publicJwk: { ...jwk, kid, alg: algorithm, use: "sig" } });
    if (publish) publishKey(kid);
    return kid;
  };
  const publishKey = (kid: string) => {
    if (!keys.has(kid)) throw new Error(`no key ${kid}`);
    published = [kid, ...published.filter((other) => other !== kid)];
  };
  await addKey();

  return {
    issuer,
    jwksUrl: `${base}/.well-known/jwks.json`,
    algorithm,
    get currentKid() {
      return published[0]!;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    addKey,
    publishKey,
    jwks,
    async sign(input) {
      const key = keys.get(input.kid ?? published[0]!);
      if (!key) throw new Error(`no key ${input.kid}`);
      const now = Math.floor(Date.now() / 1000);
      const sessionId = input.sessionId === undefined ? randomUUID() : input.sessionId;
      return new SignJWT({
        sub: input.userId,
        iss: issuer,
        aud: input.audience,
        iat: now,
        exp: now + (input.expiresIn ?? 60),
        roles: input.roles ?? ["authenticated"],
        ...(sessionId === null ? {} : { sid: sessionId }),
        ...input.claims,
      })
        .setProtectedHeader({ alg: algorithm, kid: key.kid, typ: "JWT" })
        .sign(key.privateKey);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
