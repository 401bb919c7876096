import { createGatehouseClient, GatehouseError } from "@gatehouse/sdk";

// The GraphQL endpoint of a server started with `npm run dev`.
const url = process.env.GATEHOUSE_URL ?? "http://localhost:4000/graphql";
const gatehouse = createGatehouseClient({ url });

gatehouse.onAuthChange(({ signedIn, cause }) => console.log(`auth: ${signedIn ? "signed in" : "signed out"} (${cause})`));

await gatehouse.register({ username: "grace", email: "grace@example.com", password: "compiler pioneer 1952" });
await gatehouse.logout();

// Every failure is a GatehouseError: branch on code and reason, never on the message.
try {
  await gatehouse.login({ identifier: "grace", password: "not her password" });
} catch (error) {
  if (!(error instanceof GatehouseError)) throw error;
  console.log(`login refused: ${error.code} (${error.reason}) at ${error.path?.join(".")}`);
}

const { user } = await gatehouse.login({ identifier: "grace@example.com", password: "compiler pioneer 1952" });
console.log(`signed in as ${user.username}`);

// Signed-in calls carry the access token; the client renews it before it expires, once for all callers.
const me = await gatehouse.me();
console.log(`me: ${me?.username} <${me?.email}>, role ${me?.role?.type}`);

// refresh() renews now: a new access token, and the old refresh token stops working.
const before = await gatehouse.accessToken();
await gatehouse.refresh();
console.log(`renewed: ${(await gatehouse.accessToken()) !== before}`);

await gatehouse.logout();
console.log(`after logout: ${await gatehouse.me()}`);
