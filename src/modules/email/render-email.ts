/**
 * Renders an email template: MJML is compiled once per template source (cached by its hash) with the
 * placeholders left in, and each email only substitutes values into the compiled parts. Placeholders are
 * written as in Strapi's lodash templates (`<%= URL %>`) but replaced by a tiny lookup: no code runs, and
 * every value is HTML-escaped in the HTML part, because MJML itself escapes nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import type { YogaLogger } from "@graphql-yoga/logger";
import { htmlToText } from "./html-to-text.ts";
import { defaultEmailTemplates, type EmailTemplateName, type EmailTemplates } from "./templates/index.ts";

/** Values a template can use, named as in Strapi's users-permissions templates. */
export interface TemplateVariables {
  USER: { username: string; email: string };
  /** The one-time code (confirmation or reset). */
  CODE?: string;
  /** Alias of CODE (Strapi's reset template says TOKEN); defaults to CODE. */
  TOKEN?: string;
  /** The link base the template appends the code to (e.g. the resetPasswordUrl setting). */
  URL?: string;
  /** Public URL of this server (PUBLIC_URL). */
  SERVER_URL?: string;
}

export const TEMPLATE_VARIABLE_NAMES = ["USER.username", "USER.email", "CODE", "TOKEN", "URL", "SERVER_URL"] as const;
type VariableName = (typeof TEMPLATE_VARIABLE_NAMES)[number];

/** What a template renders to; `from` and `replyTo` are ready-made header values. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  from: string;
  replyTo: string | null;
}

/** A template that cannot be used: bad placeholder or invalid MJML. The message is meant for the admin. */
export class EmailTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmailTemplateError";
  }
}

/** Literal text and placeholders, in order. */
export type Part = string | { variable: VariableName };

/** A template body compiled with its placeholders left in; plain data, so the build can store it. */
export interface CompiledBody {
  html: Part[];
  text: Part[];
}

/** Compiled bodies by the SHA-256 of their MJML source. */
export type CompiledBodies = Record<string, CompiledBody>;

/** The key of a source in CompiledBodies and in the renderer's cache. */
export const sourceKey = (source: string) => createHash("sha256").update(source).digest("hex");

/** Compiles the given sources (the build does this for the default templates: see precompiled-templates.ts). */
export async function compileBodies(sources: readonly string[], compile: MjmlCompile = compileMjml): Promise<CompiledBodies> {
  const entries = await Promise.all(sources.map(async (source) => [sourceKey(source), await compileBody(source, compile)] as const));
  return Object.fromEntries(entries);
}

/** Turns MJML into HTML; injectable so tests can count compilations. */
export type MjmlCompile = (mjml: string) => Promise<string>;

export const compileMjml: MjmlCompile = async (mjml) => {
  // Loaded on first use: mjml adds most of a second to a cold start, and a running server compiles rarely.
  const { default: mjml2html } = await import("mjml");
  try {
    // Includes would let a template read files on the server; "strict" refuses invalid MJML instead of
    // guessing; no default web fonts, so opening an email does not call a font CDN.
    const { html } = await mjml2html(mjml, {
      validationLevel: "strict",
      ignoreIncludes: true,
      keepComments: false,
      fonts: {},
    });
    return html;
  } catch (error) {
    throw new EmailTemplateError(`Invalid MJML: ${(error as Error).message.trim()}`);
  }
};

const PLACEHOLDER = /<%([=-]?)\s*([\s\S]*?)\s*%>/g;

/** Splits a template source into text and placeholders, refusing anything but a known variable. */
export function parsePlaceholders(source: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const [whole, kind, expression = ""] = match;
    if (!kind) throw new EmailTemplateError(`Only <%= VARIABLE %> placeholders are supported, not "${whole}"`);
    if (!(TEMPLATE_VARIABLE_NAMES as readonly string[]).includes(expression)) {
      throw new EmailTemplateError(
        `Unknown variable "${expression}"; use one of ${TEMPLATE_VARIABLE_NAMES.join(", ")}`,
      );
    }
    parts.push(source.slice(last, match.index), { variable: expression as VariableName });
    last = match.index + whole.length;
  }
  parts.push(source.slice(last));
  return parts.filter((part) => part !== "");
}

/** Compiles MJML with placeholders intact: they travel through MJML as inert alphanumeric markers. */
async function compileBody(source: string, compile: MjmlCompile): Promise<CompiledBody> {
  // The nonce keeps literal text in a template from posing as a marker; one marker per variable name lets
  // the text part notice that a link's label is its own URL.
  const nonce = randomBytes(6).toString("hex");
  const marked = parsePlaceholders(source)
    .map((part) => (typeof part === "string" ? part : `GHVAR${nonce}N${TEMPLATE_VARIABLE_NAMES.indexOf(part.variable)}X`))
    .join("");
  const html = await compile(marked);
  const marker = new RegExp(`GHVAR${nonce}N(\\d+)X`, "g");
  const split = (compiled: string): Part[] =>
    compiled
      .split(marker)
      .map((piece, index) => (index % 2 === 0 ? piece : { variable: TEMPLATE_VARIABLE_NAMES[Number(piece)]! }))
      .filter((part) => part !== "");
  return { html: split(html), text: split(htmlToText(html)) };
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

function substitute(parts: Part[], values: Record<VariableName, string>, escape: (value: string) => string): string {
  return parts.map((part) => (typeof part === "string" ? part : escape(values[part.variable]))).join("");
}

function valuesOf(variables: TemplateVariables): Record<VariableName, string> {
  const code = variables.CODE ?? variables.TOKEN ?? "";
  return {
    "USER.username": variables.USER.username,
    "USER.email": variables.USER.email,
    CODE: code,
    TOKEN: variables.TOKEN ?? code,
    URL: variables.URL ?? "",
    SERVER_URL: variables.SERVER_URL ?? "",
  };
}

/** `Name <address>` from EMAIL_FROM, or just the address. */
function parseAddress(address: string): { name: string | null; email: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(address);
  return match ? { name: match[1]!.trim() || null, email: match[2]!.trim() } : { name: null, email: address.trim() };
}

const oneLine = (value: string) => value.replace(/[\r\n]+/g, " ").trim();

function formatAddress(name: string | null, email: string): string {
  const address = oneLine(email);
  if (!name) return address;
  // Quoted so commas or angle brackets in a display name cannot add recipients or break the header.
  return `"${oneLine(name).replace(/["\\]/g, "\\$&")}" <${address}>`;
}

export interface EmailRendererOptions {
  /** Sender used when a template leaves fromName/fromEmail null (EMAIL_FROM). */
  defaultFrom: string;
  /** Where a broken custom template is reported before falling back to the default one. */
  logger?: Pick<YogaLogger, "error">;
  /** MJML compiler; defaults to mjml itself. */
  compile?: MjmlCompile;
  /**
   * Bodies compiled ahead of time (the build's default templates), read on first use: a source found
   * there is never compiled, so a server sending only the default templates never loads MJML.
   */
  precompiled?: () => Promise<CompiledBodies | undefined>;
}

export interface EmailRenderer {
  renderEmail(name: EmailTemplateName, variables: TemplateVariables, templates: EmailTemplates): Promise<RenderedEmail>;
  /** Compiles a body (through the cache) and throws EmailTemplateError when it is unusable: for validating admin input. */
  checkTemplate(body: string, subject?: string): Promise<void>;
}

export function createEmailRenderer({ defaultFrom, logger, compile = compileMjml, precompiled }: EmailRendererOptions): EmailRenderer {
  // Keyed by the hash of the source, so an edited template compiles again and an unchanged one never does.
  // Promises are cached so concurrent first sends share one compilation.
  const cache = new Map<string, Promise<CompiledBody>>();
  // Unreadable precompiled bodies only cost a compilation.
  let ahead: Promise<CompiledBodies | undefined> | undefined;
  const compiledAhead = () => (ahead ??= (precompiled?.() ?? Promise.resolve(undefined)).catch(() => undefined));

  function compiled(source: string): Promise<CompiledBody> {
    const key = sourceKey(source);
    let entry = cache.get(key);
    if (!entry) {
      entry = compiledAhead().then((bodies) => bodies?.[key] ?? compileBody(source, compile));
      cache.set(key, entry);
      entry.catch(() => cache.delete(key));
    }
    return entry;
  }

  async function bodyFor(name: EmailTemplateName, source: string): Promise<CompiledBody> {
    const fallback = defaultEmailTemplates[name].body;
    if (source === fallback) return compiled(source);
    try {
      return await compiled(source);
    } catch (error) {
      // A broken custom template must not stop a reset or confirmation email: send the default instead.
      logger?.error(`Email template "${name}" is unusable, sending the default: ${(error as Error).message}`);
      return compiled(fallback);
    }
  }

  return {
    async renderEmail(name, variables, templates) {
      const template = templates[name];
      const values = valuesOf(variables);
      const body = await bodyFor(name, template.body);
      let subjectParts: Part[];
      try {
        subjectParts = parsePlaceholders(template.subject);
      } catch (error) {
        logger?.error(`Email subject of "${name}" is unusable, sending the default: ${(error as Error).message}`);
        subjectParts = parsePlaceholders(defaultEmailTemplates[name].subject);
      }
      const sender = parseAddress(defaultFrom);
      return {
        subject: oneLine(substitute(subjectParts, values, (value) => value)),
        html: substitute(body.html, values, escapeHtml),
        text: substitute(body.text, values, (value) => value),
        from: formatAddress(template.fromName ?? sender.name, template.fromEmail ?? sender.email),
        replyTo: template.replyTo ? oneLine(template.replyTo) : null,
      };
    },
    async checkTemplate(body, subject) {
      if (subject !== undefined) parsePlaceholders(subject);
      await compiled(body);
    },
  };
}
