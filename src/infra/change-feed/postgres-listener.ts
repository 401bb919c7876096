/**
 * The `postgres` transport: one dedicated connection LISTENs on the triggers' channel, so changes from
 * every writer (other instances, the CLI, imports, psql) arrive within milliseconds of their commit. A
 * heartbeat goes through the same queue every HEARTBEAT_MS (a NOTIFY on a second channel, which the
 * server delivers in commit order with the changes); when the connection is lost or the heartbeat stops
 * returning, the feed is not live until it reconnects and a heartbeat has come back.
 */
import pg from "pg";
import { CHANGE_CHANNEL, parseChange } from "./changes.ts";
import { type ChangeHub, createHeartbeat, HEARTBEAT_MS } from "./change-feed.ts";

/** The heartbeat's channel; its payloads are `<instance>:<n>`. */
export const HEARTBEAT_CHANNEL = `${CHANGE_CHANNEL}_heartbeat`;

/** The listener's application_name (pg_stat_activity shows which instance a listener belongs to). */
export const LISTENER_APPLICATION_NAME = "gatehouse-change-feed";

export interface PostgresListenerOptions {
  connection: pg.ClientConfig;
  hub: ChangeHub;
  instanceId: string;
  onDown(error: unknown): void;
  onUp(): void;
}

export function startPostgresListener({ connection, hub, instanceId, onDown, onUp }: PostgresListenerOptions) {
  const heartbeat = createHeartbeat();
  let client: pg.Client | undefined;
  let closed = false;
  let beating = false;
  let retryMs = 100;
  let retryTimer: NodeJS.Timeout | undefined;

  function lost(lostClient: pg.Client, error: unknown) {
    if (client !== lostClient) return;
    client = undefined;
    heartbeat.reset();
    lostClient.end().catch(() => undefined);
    if (closed) return;
    onDown(error);
    retryTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 2000);
  }

  async function connect() {
    if (closed) return;
    const next = new pg.Client({ ...connection, application_name: `${LISTENER_APPLICATION_NAME} ${instanceId}` });
    next.on("notification", ({ channel, payload = "" }) => {
      if (channel === HEARTBEAT_CHANNEL) {
        const [instance, id] = payload.split(":");
        if (instance === instanceId) heartbeat.returned(Number(id));
      } else if (channel === CHANGE_CHANNEL) {
        // An unreadable payload is taken as "anything may have changed".
        hub.emit(parseChange(payload) ?? { kind: "all" });
      }
    });
    next.on("error", (error) => lost(next, error));
    next.on("end", () => lost(next, new Error("connection ended")));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
      await next.query(`LISTEN ${HEARTBEAT_CHANNEL}`);
    } catch (error) {
      client = next;
      lost(next, error);
      return;
    }
    if (closed) return void next.end().catch(() => undefined);
    client = next;
    retryMs = 100;
    onUp();
    beat();
  }

  /** One heartbeat in flight at a time: a hung connection does not pile them up. */
  function beat() {
    const current = client;
    if (!current || beating) return;
    beating = true;
    current
      .query("SELECT pg_notify($1, $2)", [HEARTBEAT_CHANNEL, `${instanceId}:${heartbeat.send()}`])
      .catch((error: unknown) => lost(current, error))
      .finally(() => (beating = false));
  }

  const ticker = setInterval(beat, HEARTBEAT_MS);
  ticker.unref();
  void connect();

  return {
    /** Connected, and a heartbeat sent less than STALE_AFTER_MS ago came back. */
    fresh: () => client !== undefined && heartbeat.fresh(),
    async close() {
      closed = true;
      clearInterval(ticker);
      clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
