/**
 * Refuses request bodies larger than `maxBytes` with HTTP 413 before Yoga reads them. A declared
 * Content-Length is checked up front (node:http guarantees the body is no longer than declared); a
 * chunked body is read up to the limit and then handed on, so an endless stream cannot exhaust memory.
 */
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../errors.ts";
import { httpErrorResponse } from "./error-response.ts";

export interface BodyLimitOptions {
  /** Largest accepted body in bytes. */
  maxBytes: number;
}

/** Reads a stream up to `maxBytes`; undefined when it is longer. */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

export function useBodyLimit({ maxBytes }: BodyLimitOptions): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse, fetchAPI }) {
      const tooLarge = () =>
        endResponse(
          httpErrorResponse(fetchAPI, {
            status: 413,
            code: ErrorCode.PAYLOAD_TOO_LARGE,
            message: `Request body exceeds ${maxBytes} bytes`,
            // Closing the connection stops the client from sending the rest of a huge body.
            headers: { connection: "close" },
          }),
        );
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (Number(declared) > maxBytes) tooLarge();
        return;
      }
      if (!request.body) return;
      const bytes = await readAtMost(request.body, maxBytes);
      if (bytes === undefined) return tooLarge();
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body: new Uint8Array(bytes) }));
    },
  };
}
