import { createGatehouseClient } from "@gatehouse/sdk";

// A page served from the same site as Gatehouse, which runs with AUTH_COOKIE=true.
const url = "/graphql";
const gatehouse = createGatehouseClient({ url, cookieMode: true });

const { user } = await gatehouse.login({ identifier: "grace@example.com", password: "compiler pioneer 1952" });
console.log(`signed in as ${user.username}`);

// The refresh token is in an HttpOnly cookie that no script can read; only the access token is in memory.
console.log(`readable cookies: "${document.cookie}"`);

// After a reload: a new client has no access token, so it renews the session from the cookie.
const reloaded = createGatehouseClient({ url, cookieMode: true });
console.log(`after reload: ${(await reloaded.me())?.username}`);

await reloaded.logout();
console.log(`after logout: ${await createGatehouseClient({ url, cookieMode: true }).me()}`);
