/**
 * How much an email costs to render: the one-time MJML compilation of a template (cold, including loading
 * mjml, and warm) against the per-email substitution that runs on every send.
 * Run: npx tsx bench/email-render.ts
 */
import { compileMjml, createEmailRenderer } from "../src/modules/email/render-email.ts";
import { defaultEmailTemplates } from "../src/modules/email/templates/index.ts";

const variables = (i: number) => ({
  USER: { username: `user${i}`, email: `user${i}@example.com` },
  CODE: `code-${i}`,
  URL: "https://app.example.com/reset",
  SERVER_URL: "https://auth.example.com",
});
const ms = (start: number) => (performance.now() - start).toFixed(2);

let start = performance.now();
const renderer = createEmailRenderer({ defaultFrom: "Gatehouse <no-reply@example.com>" });
await renderer.renderEmail("resetPassword", variables(0), defaultEmailTemplates);
console.log(`first email (loads mjml, compiles the template): ${ms(start)} ms`);

const compiles = 50;
start = performance.now();
for (let i = 0; i < compiles; i++) await compileMjml(defaultEmailTemplates.emailConfirmation.body);
console.log(`MJML compile, warm: ${((performance.now() - start) / compiles).toFixed(2)} ms per template`);

const renders = 10_000;
start = performance.now();
for (let i = 0; i < renders; i++) await renderer.renderEmail("resetPassword", variables(i), defaultEmailTemplates);
console.log(`render from cache: ${(((performance.now() - start) / renders) * 1000).toFixed(1)} µs per email`);
