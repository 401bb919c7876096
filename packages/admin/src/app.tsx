/**
 * The shell: who is signed in (the SDK's session; a reload renews it from the HttpOnly cookie), the sign-in
 * form, the navigation and the page of the current route. Whether an account may use the page is the
 * server's ACL's decision: after signing in the page asks for the user list, and a FORBIDDEN answer signs
 * the account out again with a clear message.
 */
import type { AuthUser } from "@gatehouse/sdk";
import { UsersDocument } from "@gatehouse/sdk";
import { useEffect, useState } from "preact/hooks";
import { client, errorCode, errorMessage } from "./api.ts";
import { AclRulesPage } from "./pages/acl-rules.tsx";
import { AuditLogPage } from "./pages/audit-log.tsx";
import { EmailTemplatesPage } from "./pages/email-templates.tsx";
import { ProvidersPage } from "./pages/providers.tsx";
import { RolePermissionsPage } from "./pages/role-permissions.tsx";
import { RolesPage } from "./pages/roles.tsx";
import { SettingsPage } from "./pages/settings.tsx";
import { UsersPage } from "./pages/users.tsx";
import { BASE, onLinkClick, useRoute } from "./router.ts";
import { useSubmit } from "./submit.ts";

type Session =
  | { state: "loading" }
  | { state: "signedOut"; notice?: string }
  | { state: "signedIn"; user: AuthUser };

export const NOT_ADMIN_MESSAGE = "This account may not use the admin page. Sign in with an administrator account.";

/** Null when the signed-in user may administer users; the refusal message otherwise. */
async function adminRefusal(): Promise<string | null> {
  try {
    await client.request(UsersDocument, { first: 1 });
    return null;
  } catch (error) {
    if (errorCode(error) === "FORBIDDEN") return NOT_ADMIN_MESSAGE;
    throw error;
  }
}

export function App() {
  const [session, setSession] = useState<Session>({ state: "loading" });

  useEffect(() => {
    const unsubscribe = client.onAuthChange((change) => {
      if (!change.signedIn && change.cause === "sessionEnded") {
        setSession({ state: "signedOut", notice: "Your session has ended. Please sign in again." });
      }
    });
    (async () => {
      try {
        const user = await client.me();
        if (!user) return setSession({ state: "signedOut" });
        const refusal = await adminRefusal();
        if (refusal) {
          await client.logout();
          return setSession({ state: "signedOut", notice: refusal });
        }
        setSession({ state: "signedIn", user });
      } catch (error) {
        setSession({ state: "signedOut", notice: errorMessage(error) });
      }
    })();
    return unsubscribe;
  }, []);

  if (session.state === "loading") {
    return (
      <main class="centered" aria-busy="true">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (session.state === "signedOut") {
    return <SignIn notice={session.notice} onSignedIn={(user) => setSession({ state: "signedIn", user })} />;
  }
  return (
    <Shell
      user={session.user}
      onSignedOut={() => setSession({ state: "signedOut", notice: "You have signed out." })}
    />
  );
}

function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (user: AuthUser) => void }) {
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, setError, run } = useSubmit();

  function submit(event: Event) {
    event.preventDefault();
    run(
      async () => {
        const { user } = await client.login({ identifier, password });
        const refusal = await adminRefusal();
        // Signed out again before the refusal is shown: no session of an account that may not use the page.
        if (refusal) await client.logout();
        return { user, refusal };
      },
      ({ user, refusal }) => {
        if (refusal) setError(refusal);
        else onSignedIn(user);
      },
    );
  }

  return (
    <main class="centered">
      <form class="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Gatehouse admin</h1>
        {notice && !error && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <label for="identifier">Email or username</label>
        <input
          id="identifier"
          name="identifier"
          autocomplete="username"
          required
          value={identifier}
          onInput={(event) => setIdentifier(event.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

const NAV = [
  { route: "/users", label: "Users" },
  { route: "/roles", label: "Roles" },
  { route: "/acl-rules", label: "ACL rules" },
  { route: "/email-templates", label: "Email templates" },
  { route: "/providers", label: "Providers" },
  { route: "/settings", label: "Settings" },
  { route: "/audit-log", label: "Audit log" },
] as const;

function Shell({ user, onSignedOut }: { user: AuthUser; onSignedOut: () => void }) {
  const route = useRoute();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    try {
      await client.logout();
    } finally {
      setBusy(false);
      onSignedOut();
    }
  }

  return (
    <div class="shell">
      <a class="skip-link" href="#content">
        Skip to content
      </a>
      <header class="top-bar">
        <span class="brand">Gatehouse admin</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.route}>
                <a
                  href={`${BASE}${item.route}`}
                  aria-current={route.startsWith(item.route) ? "page" : undefined}
                  onClick={onLinkClick(item.route)}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          Signed in as <strong>{user.username}</strong>
        </span>
        <button type="button" onClick={signOut} disabled={busy}>
          {busy ? "Signing out…" : "Sign out"}
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        <Page route={route} />
      </main>
    </div>
  );
}

/** The page of a route; `/roles/<id>/permissions` is a role's permission matrix. */
function Page({ route }: { route: string }) {
  const permissionsOf = /^\/roles\/(\d+)\/permissions$/.exec(route)?.[1];
  if (permissionsOf) return <RolePermissionsPage roleId={permissionsOf} />;
  if (route.startsWith("/users")) return <UsersPage />;
  if (route === "/roles") return <RolesPage />;
  if (route.startsWith("/providers")) return <ProvidersPage />;
  if (route.startsWith("/acl-rules")) return <AclRulesPage />;
  if (route.startsWith("/email-templates")) return <EmailTemplatesPage />;
  if (route.startsWith("/settings")) return <SettingsPage />;
  if (route.startsWith("/audit-log")) return <AuditLogPage />;
  return <NotFound />;
}

function NotFound() {
  return (
    <section class="empty">
      <h1>Page not found</h1>
      <p>
        There is no such page. <a href={`${BASE}/users`} onClick={onLinkClick("/users")}>Go to the users</a>.
      </p>
    </section>
  );
}
