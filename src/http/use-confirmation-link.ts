/**
 * The link in confirmation emails: GET /auth/email-confirmation?confirmation=CODE confirms the address and
 * redirects to settings.emailConfirmationRedirection, as Strapi's REST route does, so the email works
 * without a front-end page.
 */
import type { Plugin } from "graphql-yoga";
import type { AuthService } from "../modules/auth/auth.service.ts";
import { CONFIRMATION_PATH } from "../modules/auth/email-confirmation.flow.ts";
import type { SettingsService } from "../modules/settings/settings.service.ts";

function page(title: string, status: number) {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${title}</p>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'" },
  });
}

export function useConfirmationLink(auth: Pick<AuthService, "confirmEmailCode">, settings: Pick<SettingsService, "getAdvanced">): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== "GET" || url.pathname !== CONFIRMATION_PATH) return;
      const meta = { ip: undefined, userAgent: request.headers.get("user-agent") ?? undefined };
      const userId = await auth.confirmEmailCode(url.searchParams.get("confirmation") ?? "", meta);
      if (userId === null) return endResponse(page("This confirmation link is invalid or has expired.", 400));
      const { emailConfirmationRedirection } = await settings.getAdvanced();
      if (!emailConfirmationRedirection) return endResponse(page("Your email address is confirmed.", 200));
      endResponse(new Response(null, { status: 302, headers: { location: emailConfirmationRedirection } }));
    },
  };
}
