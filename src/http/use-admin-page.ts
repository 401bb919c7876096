/**
 * The admin page (packages/admin, built by `npm install`) at GET /admin/: its built files from the package's
 * dist, nothing from anywhere else. Only files that the build wrote are served: the directory is listed
 * once (again on every request in development, where `vite build --watch` rewrites it), and a request
 * path is looked up in that list, so no path can reach outside it. A deep link (`/admin/users/12`, a last
 * segment without a dot) gets index.html and the page routes itself; an unknown file is a 404.
 *
 * Policy: `default-src 'self'` and no inline script (the build emits none: scripts and styles are files,
 * assets are never inlined as data: URLs), so the page only ever runs this server's code and talks only
 * to this origin.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../errors.ts";
import { projectRoot } from "../infra/project-files.ts";
import { httpErrorResponse } from "./error-response.ts";

export const ADMIN_PATH = "/admin";

/**
 * Where `npm run build -w @gatehouse/admin` writes the page. From the project root: the bundle puts this
 * file in whichever chunk esbuild chooses, at a depth below the root that the sources do not share.
 */
export const ADMIN_DIST_DIR = join(projectRoot, "packages", "admin", "dist");

/**
 * Scripts, fonts, images and connections from this origin only, no inline script. Inline styles are
 * allowed for the email preview: its frame (sandboxed, no script) inherits this policy, and MJML's HTML is
 * styled inline through and through.
 */
export const ADMIN_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

interface StaticFile {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** Vite's hashed names under assets/ never change content: browsers may keep them. */
  immutable: boolean;
}

/** Every file under `dir` by its URL path relative to it (`assets/index-abc.js`); empty when not built. */
export function listFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return files;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (!statSync(path).isFile()) continue;
    const name = relative(dir, path).split(sep).join("/");
    const contentType = CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
    files.set(name, { body: readFileSync(path), contentType, immutable: name.startsWith("assets/") });
  }
  return files;
}

export interface AdminPageOptions {
  /** The built page (default ADMIN_DIST_DIR). */
  dir?: string;
  /** Re-read the directory on every request (development). */
  reload: boolean;
}

export function useAdminPage({ dir = ADMIN_DIST_DIR, reload }: AdminPageOptions): Plugin {
  let files: Map<string, StaticFile> | undefined;
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const { pathname } = url;
      if (pathname !== ADMIN_PATH && !pathname.startsWith(`${ADMIN_PATH}/`)) return;
      if (request.method !== "GET" && request.method !== "HEAD") return; // the router answers 404
      if (pathname === ADMIN_PATH) {
        return endResponse(new fetchAPI.Response(null, { status: 308, headers: { location: `${ADMIN_PATH}/` } }));
      }
      if (reload || !files) files = listFiles(dir);
      const name = pathname.slice(ADMIN_PATH.length + 1);
      const lastSegment = name.split("/").pop() ?? "";
      const file = files.get(name) ?? (lastSegment.includes(".") ? undefined : files.get("index.html"));
      if (!file) {
        const message = files.size === 0 ? "The admin page is not built: run npm run build -w @gatehouse/admin" : "Not found";
        return endResponse(httpErrorResponse(fetchAPI, { status: 404, code: ErrorCode.NOT_FOUND, message }));
      }
      const headers: Record<string, string> = { "content-type": file.contentType, "content-security-policy": ADMIN_CSP };
      if (file.immutable) headers["cache-control"] = "public, max-age=31536000, immutable";
      return endResponse(new fetchAPI.Response(request.method === "HEAD" ? null : file.body, { status: 200, headers }));
    },
  };
}
