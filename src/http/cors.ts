/** No CORS headers at all unless the caller's origin is on the allow-list (Yoga's default allows all). */
import type { CORSOptions } from "graphql-yoga";
import { REFRESH_COOKIE_REQUEST_HEADER } from "../modules/auth/refresh-cookie.ts";
import { CSRF_HEADER } from "./use-csrf-guard.ts";

export function corsPolicy(allowedOrigins: readonly string[]) {
  return (request: Request): CORSOptions => {
    const origin = request.headers.get("origin");
    if (!origin || !allowedOrigins.includes(origin)) return false;
    return { origin: [origin], credentials: true, methods: ["GET", "POST"], allowedHeaders: ["content-type", "authorization", CSRF_HEADER, REFRESH_COOKIE_REQUEST_HEADER], maxAge: 600 };
  };
}
