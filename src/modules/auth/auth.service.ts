/**
 * The authentication flows behind Strapi's users-permissions mutations, plus refresh sessions, one file
 * per flow. Plain inputs in, plain records out: no GraphQL here.
 */
import { createAuthenticator } from "./authenticate.ts";
import { createCreateUserFlow } from "./create-user.flow.ts";
import { createEmailConfirmationFlow } from "./email-confirmation.flow.ts";
import { type AuthDependencies, createFlowKit } from "./flow-kit.ts";
import type { MailRequests } from "./mail-requests.ts";
import { createPasswordFlow } from "./password.flow.ts";
import { createSessionFlow } from "./session.flow.ts";
import { createSignInFlow } from "./sign-in.flow.ts";
import { createSignUpFlow } from "./sign-up.flow.ts";

export type { CreatedUser, CreateUserInput } from "./create-user.flow.ts";
export type { AuthDependencies, AuthResult, AuthUser, MeUser, RequestMeta } from "./flow-kit.ts";

export function createAuthService(deps: AuthDependencies) {
  const kit = createFlowKit(deps);
  return {
    ...createSignUpFlow(kit),
    ...createSignInFlow(kit),
    ...createPasswordFlow(kit),
    ...createEmailConfirmationFlow(kit),
    ...createSessionFlow(kit),
    ...createCreateUserFlow(kit),
    /**
     * The worker that turns mail requests (reset, confirmation, sign-up notices, set-password links) into
     * emails; createApp starts it, the CLI flushes it.
     */
    mailRequests: kit.mailRequests as Pick<MailRequests, "start" | "stop" | "kick" | "flush">,
    /** The request's viewer from its Authorization header (null when absent; UNAUTHENTICATED when invalid). */
    authenticate: createAuthenticator({ tokens: deps.tokens, tokenState: deps.tokenState }),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
