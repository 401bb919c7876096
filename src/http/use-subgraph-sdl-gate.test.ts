import { createSchema, createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { SDL_TOKEN_HEADER, sdlTokenMatches, useSubgraphSdlGate } from "./use-subgraph-sdl-gate.ts";

const TOKEN = "a router's SDL token of 32 characters or more";

describe("sdlTokenMatches", () => {
  it("accepts the token itself only: not a prefix, an extension, another case or no header", () => {
    expect(sdlTokenMatches(TOKEN, TOKEN)).toBe(true);
    for (const presented of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), "", null]) {
      expect(sdlTokenMatches(TOKEN, presented)).toBe(false);
    }
  });
});

describe("useSubgraphSdlGate", () => {
  // A stand-in with a root `_service` field, as every federation subgraph has.
  const schema = createSchema({
    typeDefs: "type Query { _service: Service! hello: String } type Service { sdl: String }",
    resolvers: { Query: { _service: () => ({ sdl: "type Query" }), hello: () => "hi" } },
  });
  const ask = async (gate: Parameters<typeof useSubgraphSdlGate>[0], query: string, headers: Record<string, string> = {}) => {
    const yoga = createYoga({ schema, plugins: [useSubgraphSdlGate(gate)], logging: false });
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  };

  it("leaves _service open while introspection is on", async () => {
    expect(await ask({ introspection: true, token: undefined }, "{ _service { sdl } }")).toEqual({ data: { _service: { sdl: "type Query" } } });
  });

  it("refuses _service to everyone when introspection is off and no token is configured", async () => {
    const body = await ask({ introspection: false, token: undefined }, "{ _service { sdl } }", { [SDL_TOKEN_HEADER]: "" });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(["SUBGRAPH_SDL_DISABLED"]);
  });

  it("opens _service to the configured token and leaves other fields alone", async () => {
    const gate = { introspection: false, token: TOKEN };
    expect(await ask(gate, "{ _service { sdl } }", { [SDL_TOKEN_HEADER]: TOKEN })).toEqual({ data: { _service: { sdl: "type Query" } } });
    expect((await ask(gate, "{ _service { sdl } }", { [SDL_TOKEN_HEADER]: "wrong" })).errors?.[0]?.extensions?.code).toBe("SUBGRAPH_SDL_DISABLED");
    expect(await ask(gate, "{ hello }")).toEqual({ data: { hello: "hi" } });
  });
});
