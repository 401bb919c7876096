/**
 * GraphiQL at GET /graphql (Accept: text/html), when enabled (development, or GRAPHIQL=true). The page is
 * @graphql-yoga/render-graphiql's: GraphiQL, its CSS, fonts and Monaco's workers inlined into one HTML
 * document from the installed package, so it works on a network with no way out. Yoga's own `graphiql`
 * option is off: its renderer returns a body only, while this page needs its own Content-Security-Policy,
 * and one plugin serves the page in standalone and gateway mode alike.
 *
 * The policy allows what the page needs and nothing remote: its one inline script by hash (no
 * 'unsafe-eval'), Monaco's workers from the blob: URLs that script creates, fonts and images from data:
 * URLs, requests to this origin only. Styles allow 'unsafe-inline': Monaco writes its theme's colours into
 * a <style> element at run time (other contents per theme, so no fixed hash) and GraphiQL's components set
 * style attributes; the package has no nonce hook. With style hashes only, the editors lose colours and icons.
 */
import { createHash } from "node:crypto";
import { type GraphiQLOptions, type Plugin, shouldRenderGraphiQL } from "graphql-yoga";
import { GRAPHIQL_DEFAULT_HEADERS, GRAPHIQL_TABS } from "./graphiql-examples.ts";

export interface GraphiQLPage {
  html: string;
  contentSecurityPolicy: string;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The CSP hashes of a document's inline <script> elements: of their text, up to the first </script>, as a browser parses it. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => sha256(match[1]!));
}

/**
 * Imported on the first page request, not at start: the package is one 9 MB module (GraphiQL, Monaco and
 * their CSS as strings), which took ~30 MB of heap and a tenth of a start's CPU to load in every process,
 * GraphiQL enabled or not.
 */
export async function renderGraphiQLPage(endpoint: string): Promise<GraphiQLPage> {
  const { renderGraphiQL } = await import("@graphql-yoga/render-graphiql");
  const options: GraphiQLOptions = {
    endpoint,
    title: "Gatehouse GraphiQL",
    defaultTabs: GRAPHIQL_TABS.map((tab) => ({ ...tab })),
    defaultHeaders: GRAPHIQL_DEFAULT_HEADERS,
    // Open on the headers editor: the Bearer hint is the first thing to see.
    defaultEditorToolsVisibility: "headers",
    // The page talks to this origin only; a token typed into it is not written to localStorage.
    shouldPersistHeaders: false,
    credentials: "same-origin",
  };
  const html = renderGraphiQL(options);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${inlineScriptHashes(html).join(" ")}`,
    "worker-src blob:",
    "style-src 'unsafe-inline'",
    "font-src data:",
    "img-src data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    // frame-ancestors 'none' is added to every page's policy by use-security-headers.
  ].join("; ");
  return { html, contentSecurityPolicy };
}

export interface GraphiQLPluginOptions {
  /** The GraphQL endpoint, which is also where the page is served. */
  endpoint: string;
}

export function useGraphiQL({ endpoint }: GraphiQLPluginOptions): Plugin {
  // Rendered on first use: about 9 MB, kept for the process's life (development only). Concurrent first
  // requests share one render; a failed one is retried by the next request.
  let page: Promise<GraphiQLPage> | undefined;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint || !shouldRenderGraphiQL(request)) return;
      const rendering = (page ??= renderGraphiQLPage(endpoint).catch((error: unknown) => {
        page = undefined;
        throw error;
      }));
      const { html, contentSecurityPolicy } = await rendering;
      endResponse(
        new fetchAPI.Response(html, {
          status: 200,
          headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": contentSecurityPolicy },
        }),
      );
    },
  };
}
