/** Payloads several feature schemas return. */
import { builder } from "./builder.ts";

export const OkPayload = builder.objectRef<{ ok: boolean }>("OkPayload").implement({
  description: "The answer of an operation that returns nothing else.",
  fields: (t) => ({ ok: t.exposeBoolean("ok", { description: "True when the operation was done." }) }),
});

/** Runs an operation whose only answer is that it worked: `{ ok: true }`. */
export const ok = async (operation: Promise<unknown>) => {
  await operation;
  return { ok: true };
};
