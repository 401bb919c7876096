/**
 * The link in confirmation emails: GET /auth/email-confirmation?confirmation=CODE confirms the address and
 * redirects to settings.emailConfirmationRedirection, as Strapi's REST route does, so the email works
 * without a front-end page. It is rate limited like the emailConfirmation mutation (one budget for both).
 */
import { ErrorCode, GatehouseError } from "../../errors.ts";
import type { AuthService } from "../../modules/auth/auth.service.ts";
import { CONFIRMATION_PATH } from "../../modules/auth/email-confirmation.flow.ts";
import type { SettingsService } from "../../modules/settings/settings.service.ts";
import type { Route } from "../router.ts";
import { page } from "./page.ts";

const retryAfterOf = (error: unknown) =>
  error instanceof GatehouseError && error.extensions.code === ErrorCode.RATE_LIMITED ? Number(error.extensions.retryAfter) : undefined;

export function emailConfirmationRoute(
  auth: Pick<AuthService, "confirmEmailByLink">,
  settings: Pick<SettingsService, "getAdvanced">,
): Route {
  return {
    method: "GET",
    path: CONFIRMATION_PATH,
    async handle({ url, ip, userAgent }) {
      let userId: number | null;
      try {
        userId = await auth.confirmEmailByLink(url.searchParams.get("confirmation") ?? "", { ip, userAgent });
      } catch (error) {
        const retryAfter = retryAfterOf(error);
        if (retryAfter === undefined) throw error;
        return page(`Too many attempts; try again in ${retryAfter} s.`, 429, { "retry-after": String(retryAfter) });
      }
      if (userId === null) return page("This confirmation link is invalid or has expired.", 400);
      const { emailConfirmationRedirection } = await settings.getAdvanced();
      if (!emailConfirmationRedirection) return page("Your email address is confirmed.", 200);
      return new Response(null, { status: 302, headers: { location: emailConfirmationRedirection } });
    },
  };
}
