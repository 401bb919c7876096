import { describe, expect, it } from "vitest";
import { mergeEmailTemplates } from "./email-settings.ts";
import { htmlToText } from "./html-to-text.ts";
import { loadPrecompiledTemplates } from "./precompiled-templates.ts";
import {
  compileBodies,
  compileMjml,
  createEmailRenderer,
  EmailTemplateError,
  type MjmlCompile,
  parsePlaceholders,
} from "./render-email.ts";
import { defaultEmailTemplates, EMAIL_TEMPLATE_NAMES, type EmailTemplates } from "./templates/index.ts";

const variables = {
  USER: { username: "ada", email: "ada@example.com" },
  CODE: "c0de-123",
  URL: "https://app.example.com/reset",
  SERVER_URL: "https://auth.example.com",
};

function countingCompiler(): { compile: MjmlCompile; sources: string[] } {
  const sources: string[] = [];
  return {
    sources,
    compile: async (mjml) => {
      sources.push(mjml);
      return compileMjml(mjml);
    },
  };
}

const customBody = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi <%= USER.username %> (<%= USER.email %>), code <%= CODE %> / token <%= TOKEN %></mj-text>
  <mj-button href="<%= URL %>?code=<%= TOKEN %>">Go</mj-button>
  <mj-text>from <%= SERVER_URL %></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

function withCustom(name: keyof EmailTemplates, fields: Partial<EmailTemplates[keyof EmailTemplates]>): EmailTemplates {
  return mergeEmailTemplates({ [name]: fields });
}

describe("renderEmail", () => {
  it("renders the default reset email with the link, in HTML and plain text", async () => {
    const renderer = createEmailRenderer({ defaultFrom: "Gatehouse <no-reply@example.com>" });
    const email = await renderer.renderEmail("resetPassword", variables, defaultEmailTemplates);
    expect(email.subject).toBe("Reset password");
    expect(email.from).toBe('"Gatehouse" <no-reply@example.com>');
    expect(email.replyTo).toBeNull();
    expect(email.html).toContain('href="https://app.example.com/reset?code=c0de-123"');
    expect(email.html).toMatch(/^<!doctype html>/i);
    expect(email.text).toContain("https://app.example.com/reset?code=c0de-123");
    expect(email.text).toContain("Hello ada,");
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it("substitutes every Strapi variable, TOKEN defaulting to CODE", async () => {
    const renderer = createEmailRenderer({ defaultFrom: "no-reply@example.com" });
    const templates = withCustom("emailConfirmation", { body: customBody, subject: "Welcome <%= USER.username %>" });
    const email = await renderer.renderEmail("emailConfirmation", variables, templates);
    expect(email.subject).toBe("Welcome ada");
    expect(email.text).toContain("Hi ada (ada@example.com), code c0de-123 / token c0de-123");
    expect(email.text).toContain("Go (https://app.example.com/reset?code=c0de-123)");
    expect(email.text).toContain("from https://auth.example.com");
    expect(email.html).toContain('href="https://app.example.com/reset?code=c0de-123"');
    expect(email.html).not.toContain("<%");
  });

  it("HTML-escapes values in the HTML part, keeps them plain in the text part, strips line breaks from the subject", async () => {
    const renderer = createEmailRenderer({ defaultFrom: "no-reply@example.com" });
    const templates = withCustom("emailConfirmation", { body: customBody, subject: "Hello <%= USER.username %>" });
    const username = `<script>alert("x")</script>\r\nBcc: victim@example.com`;
    const email = await renderer.renderEmail(
      "emailConfirmation",
      { ...variables, USER: { username, email: "a@example.com" }, URL: `https://x.example/"onmouseover="evil` },
      templates,
    );
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(email.html).toContain('href="https://x.example/&quot;onmouseover=&quot;evil?code=c0de-123"');
    expect(email.text).toContain(`<script>alert("x")</script>`);
    expect(email.subject).toBe(`Hello <script>alert("x")</script> Bcc: victim@example.com`);
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it("uses the sender, reply-to, subject and body an admin stored in settings", async () => {
    const renderer = createEmailRenderer({ defaultFrom: "Gatehouse <no-reply@example.com>" });
    const templates = mergeEmailTemplates({
      resetPassword: {
        fromName: 'Acme "Support", Inc',
        fromEmail: "support@acme.test",
        replyTo: "help@acme.test",
        subject: "Acme: reset for <%= USER.username %>",
        body: customBody,
      },
    });
    const email = await renderer.renderEmail("resetPassword", variables, templates);
    expect(email.from).toBe('"Acme \\"Support\\", Inc" <support@acme.test>');
    expect(email.replyTo).toBe("help@acme.test");
    expect(email.subject).toBe("Acme: reset for ada");
    expect(email.text).toContain("Hi ada");
    // The other templates keep their defaults.
    expect(templates.emailConfirmation).toEqual(defaultEmailTemplates.emailConfirmation);
  });

  it("compiles MJML once per template source, however many emails are rendered", async () => {
    const { compile, sources } = countingCompiler();
    const renderer = createEmailRenderer({ defaultFrom: "no-reply@example.com", compile });
    const custom = withCustom("resetPassword", { body: customBody });
    const renders = Array.from({ length: 20 }, (_, i) =>
      renderer.renderEmail("resetPassword", { ...variables, CODE: `code-${i}` }, i % 2 ? custom : defaultEmailTemplates),
    );
    const emails = await Promise.all(renders);
    expect(sources).toHaveLength(2);
    expect(emails[7]!.text).toContain("code code-7");
    expect(emails[8]!.text).toContain("?code=code-8");

    // An edited template is a new source: compiled once more, then cached too.
    const edited = withCustom("resetPassword", { body: customBody.replace("Hi", "Hello") });
    await renderer.renderEmail("resetPassword", variables, edited);
    await renderer.renderEmail("resetPassword", variables, edited);
    expect(sources).toHaveLength(3);
  });

  it("uses bodies compiled ahead of time for their exact source, and compiles any other source", async () => {
    const { compile, sources } = countingCompiler();
    const ahead = await compileBodies([defaultEmailTemplates.resetPassword.body]);
    const renderer = createEmailRenderer({ defaultFrom: "no-reply@example.com", compile, precompiled: async () => ahead });
    const reference = createEmailRenderer({ defaultFrom: "no-reply@example.com" });
    const email = await renderer.renderEmail("resetPassword", variables, defaultEmailTemplates);
    expect(sources).toEqual([]);
    expect(email).toEqual(await reference.renderEmail("resetPassword", variables, defaultEmailTemplates));

    await renderer.renderEmail("resetPassword", variables, withCustom("resetPassword", { body: customBody }));
    expect(sources).toEqual([expect.stringContaining("<mj-button")]);
  });

  it("compiles as usual when the bodies compiled ahead cannot be read", async () => {
    const { compile, sources } = countingCompiler();
    const renderer = createEmailRenderer({
      defaultFrom: "no-reply@example.com",
      compile,
      precompiled: () => Promise.reject(new Error("unreadable")),
    });
    const email = await renderer.renderEmail("resetPassword", variables, defaultEmailTemplates);
    expect(sources).toHaveLength(1);
    expect(email.text).toContain("https://app.example.com/reset?code=c0de-123");
  });

  it("finds the default templates compiled by the build (npm run build), equal to compiling them now", async () => {
    const built = await loadPrecompiledTemplates();
    expect(built).toEqual(await compileBodies(EMAIL_TEMPLATE_NAMES.map((name) => defaultEmailTemplates[name].body)));
  });

  it("falls back to the default template when a custom one is broken, and reports it", async () => {
    const errors: string[] = [];
    const renderer = createEmailRenderer({
      defaultFrom: "no-reply@example.com",
      logger: { error: (message: string) => errors.push(message) },
    });
    const broken = withCustom("resetPassword", {
      body: "<mjml><mj-body><mj-nope/></mj-body></mjml>",
      subject: "<%= USER.password %>",
    });
    const email = await renderer.renderEmail("resetPassword", variables, broken);
    expect(email.text).toContain("https://app.example.com/reset?code=c0de-123");
    expect(email.subject).toBe("Reset password");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/resetPassword.*Invalid MJML/);
    expect(errors[1]).toMatch(/subject of "resetPassword".*Unknown variable/);
  });

  it("lets admins' input be checked before it is saved", async () => {
    const renderer = createEmailRenderer({ defaultFrom: "no-reply@example.com" });
    await expect(renderer.checkTemplate(customBody, "Hi <%= USER.username %>")).resolves.toBeUndefined();
    await expect(renderer.checkTemplate("<mjml><mj-body><mj-nope/></mj-body></mjml>")).rejects.toThrow(EmailTemplateError);
    await expect(renderer.checkTemplate(customBody, "<%= USER.password %>")).rejects.toThrow(/Unknown variable/);
  });
});

describe("parsePlaceholders", () => {
  it("accepts <%= NAME %> and <%- NAME %> with or without spaces", () => {
    expect(parsePlaceholders("a<%=URL%>b<%- USER.email %>")).toEqual([
      "a",
      { variable: "URL" },
      "b",
      { variable: "USER.email" },
    ]);
  });

  it("refuses code blocks and anything that is not a known variable: nothing is ever evaluated", () => {
    expect(() => parsePlaceholders("<% process.exit(1) %>")).toThrow(EmailTemplateError);
    expect(() => parsePlaceholders("<%= process.env.SMTP_URL %>")).toThrow(/Unknown variable/);
    expect(() => parsePlaceholders("<%= USER.constructor %>")).toThrow(/Unknown variable/);
  });
});

describe("mergeEmailTemplates", () => {
  it("keeps defaults for missing or mistyped fields", () => {
    const merged = mergeEmailTemplates({ resetPassword: { subject: 42, body: "", replyTo: "a@b.test" }, nope: {} });
    expect(merged.resetPassword).toEqual({ ...defaultEmailTemplates.resetPassword, replyTo: "a@b.test" });
    expect(mergeEmailTemplates(null)).toEqual(defaultEmailTemplates);
  });
});

describe("htmlToText", () => {
  it("keeps paragraphs and link targets, drops markup, head and hidden preview", () => {
    const html = `<html><head><title>T</title><style>p{}</style></head><body>
      <div style="display:none;max-height:0">Preview</div>
      <p>Hello &amp; welcome</p><p><a href="https://x.test/a?b=1&amp;c=2">Open</a></p>
      <p><a href="https://x.test/">https://x.test/</a></p></body></html>`;
    expect(htmlToText(html)).toBe("Hello & welcome\n\nOpen (https://x.test/a?b=1&c=2)\n\nhttps://x.test/");
  });
});
