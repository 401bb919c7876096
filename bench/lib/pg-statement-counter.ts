/**
 * Counts the SQL statements a PostgreSQL client sends, without touching the client: a TCP proxy that
 * passes every byte through unchanged and parses the client's side of the wire protocol (v3). Each
 * simple Query ('Q') and each Execute ('E') of the extended protocol is one statement; the SQL text of
 * an Execute is found through its portal's Bind ('B') and the statement's Parse ('P').
 * Connections whose application_name starts with one of `ignoreApplications` are passed through
 * uncounted: the change feed's listener sends a heartbeat every 200 ms that belongs to no request.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface StatementCounter {
  /** host:port to give the client instead of the database's. */
  port: number;
  /** Statements seen so far, in order, with their SQL text. */
  readonly statements: readonly string[];
  /** Connections whose traffic could not be read (TLS). */
  readonly unreadableConnections: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** The application_name of a StartupMessage (protocol version, then name/value C-string pairs). */
function applicationNameOf(startup: Buffer): string | undefined {
  const fields = startup.toString("utf8", 8).split("\0");
  const at = fields.indexOf("application_name");
  return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
}

/** Splits one connection's client-to-server bytes into messages and records the statements among them. */
function createClientStreamParser(record: (sql: string) => void, onUnreadable: () => void, ignoreApplications: readonly string[]) {
  let buffer: Buffer = Buffer.alloc(0);
  /** Before the StartupMessage, messages carry no type byte. */
  let startup = true;
  let unreadable = false;
  const statements = new Map<string, string>();
  const portals = new Map<string, string>();

  const cstring = (payload: Buffer, offset: number): [string, number] => {
    const end = payload.indexOf(0, offset);
    return [payload.toString("utf8", offset, end), end + 1];
  };

  function onMessage(type: number, payload: Buffer) {
    switch (String.fromCharCode(type)) {
      case "Q":
        record(cstring(payload, 0)[0]);
        break;
      case "P": {
        const [name, next] = cstring(payload, 0);
        statements.set(name, cstring(payload, next)[0]);
        break;
      }
      case "B": {
        const [portal, next] = cstring(payload, 0);
        portals.set(portal, statements.get(cstring(payload, next)[0]) ?? "?");
        break;
      }
      case "E":
        record(portals.get(cstring(payload, 0)[0]) ?? "?");
        break;
    }
  }

  return function push(chunk: Buffer) {
    if (unreadable) return;
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      if (startup) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        // The server answers an SSL or GSS request with one byte; if it accepts, the rest is encrypted.
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          unreadable = true;
          onUnreadable();
          return;
        }
        startup = false;
        const application = applicationNameOf(buffer.subarray(0, length));
        if (application && ignoreApplications.some((prefix) => application.startsWith(prefix))) {
          unreadable = true;
          return;
        }
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      onMessage(buffer[0]!, buffer.subarray(5, 1 + length));
      buffer = buffer.subarray(1 + length);
    }
  };
}

export async function startStatementCounter(
  target: { host: string; port: number },
  ignoreApplications: readonly string[] = [],
): Promise<StatementCounter> {
  const statements: string[] = [];
  let unreadableConnections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const parse = createClientStreamParser(
      (sql) => statements.push(sql),
      () => unreadableConnections++,
      ignoreApplications,
    );
    client.on("data", (chunk: Buffer) => {
      parse(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    statements,
    get unreadableConnections() {
      return unreadableConnections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
