/**
 * Reads the archive Strapi 5's `strapi export --no-encrypt` writes: a tar (gzip-compressed unless
 * `--no-compress`) with `entities/entities_*.jsonl` (one `{ type, id, data }` per line), `links/links_*.jsonl`
 * (one relation per line), `schemas/`, `configuration/` and `metadata.json`. Only the users-permissions
 * users, roles and permissions and the links between them are kept; every other content type is skipped
 * line by line without being parsed, so a large export costs little more than reading it.
 */
import { t as listTar } from "tar";

export const STRAPI_USER = "plugin::users-permissions.user";
export const STRAPI_ROLE = "plugin::users-permissions.role";
export const STRAPI_PERMISSION = "plugin::users-permissions.permission";
const WANTED = new Set([STRAPI_USER, STRAPI_ROLE, STRAPI_PERMISSION]);

export interface StrapiEntity {
  type: string;
  /** The row id in the Strapi database: what links refer to. */
  id: number | string;
  data: Record<string, unknown>;
}

export interface StrapiLink {
  left: { type: string; field: string; ref: number | string };
  right: { type: string; ref: number | string };
}

export interface StrapiExport {
  /** The Strapi version from metadata.json, when present. */
  strapiVersion: string | undefined;
  users: StrapiEntity[];
  roles: StrapiEntity[];
  permissions: StrapiEntity[];
  /** user → role (`left.field` "role") and permission → role links. */
  links: StrapiLink[];
  /** Lines that mention users-permissions but could not be read, as `file:line: why`. */
  unreadable: string[];
}

export class StrapiArchiveError extends Error {
  override name = "StrapiArchiveError";
}

const ENTITIES = /^(?:\.\/)?entities\/entities_\d+\.jsonl$/;
const LINKS = /^(?:\.\/)?links\/links_\d+\.jsonl$/;
const METADATA = /^(?:\.\/)?metadata\.json$/;

const isRef = (value: unknown): value is number | string => typeof value === "number" || (typeof value === "string" && value !== "");

function readEntity(value: unknown): StrapiEntity | null {
  const entity = value as Partial<StrapiEntity> | null;
  if (!entity || typeof entity.type !== "string" || !isRef(entity.id) || typeof entity.data !== "object" || entity.data === null) return null;
  return { type: entity.type, id: entity.id, data: entity.data };
}

function readLink(value: unknown): StrapiLink | null {
  const link = value as { left?: Partial<StrapiLink["left"]>; right?: Partial<StrapiLink["right"]> } | null;
  const { left, right } = link ?? {};
  if (!left || !right || typeof left.type !== "string" || typeof left.field !== "string" || !isRef(left.ref)) return null;
  if (typeof right.type !== "string" || !isRef(right.ref)) return null;
  return { left: { type: left.type, field: left.field, ref: left.ref }, right: { type: right.type, ref: right.ref } };
}

/** Reads FILE (tar or tar.gz). Throws StrapiArchiveError when it is not a readable Strapi export. */
export async function readStrapiArchive(file: string): Promise<StrapiExport> {
  const result: StrapiExport = { strapiVersion: undefined, users: [], roles: [], permissions: [], links: [], unreadable: [] };
  let entityFiles = 0;
  const pending: Promise<void>[] = [];

  const onLine = (path: string, kind: "entities" | "links", line: string, number: number) => {
    // Cheap filter first: most lines of an export belong to other content types.
    if (!line.includes("plugin::users-permissions.")) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      result.unreadable.push(`${path}:${number}: not JSON`);
      return;
    }
    if (kind === "entities") {
      const entity = readEntity(parsed);
      if (!entity) return void result.unreadable.push(`${path}:${number}: not an entity line`);
      if (!WANTED.has(entity.type)) return;
      (entity.type === STRAPI_USER ? result.users : entity.type === STRAPI_ROLE ? result.roles : result.permissions).push(entity);
    } else {
      const link = readLink(parsed);
      if (!link) return void result.unreadable.push(`${path}:${number}: not a link line`);
      const toRole = link.right.type === STRAPI_ROLE && link.left.field === "role";
      if (toRole && (link.left.type === STRAPI_USER || link.left.type === STRAPI_PERMISSION)) result.links.push(link);
    }
  };

  try {
    await listTar({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const path = entry.path;
        const kind = ENTITIES.test(path) ? "entities" : LINKS.test(path) ? "links" : METADATA.test(path) ? "metadata" : null;
        if (!kind) return;
        if (kind === "entities") entityFiles++;
        let rest = "";
        let number = 0;
        const chunks: Buffer[] = [];
        pending.push(
          new Promise<void>((resolve, reject) => {
            entry.on("data", (chunk: Buffer) => {
              if (kind === "metadata") return void chunks.push(chunk);
              const lines = (rest + chunk.toString("utf8")).split("\n");
              rest = lines.pop() ?? "";
              for (const line of lines) onLine(path, kind, line, ++number);
            });
            entry.on("end", () => {
              if (kind === "metadata") {
                try {
                  const metadata = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { strapi?: { version?: unknown } };
                  if (typeof metadata.strapi?.version === "string") result.strapiVersion = metadata.strapi.version;
                } catch {
                  result.unreadable.push(`${path}: not JSON`);
                }
              } else if (rest.trim() !== "") onLine(path, kind, rest, ++number);
              resolve();
            });
            entry.on("error", reject);
          }),
        );
      },
    });
    await Promise.all(pending);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new StrapiArchiveError(`${file}: no such file`);
    throw new StrapiArchiveError(
      `${file} is not a readable tar archive (${(error as Error).message}); export with \`strapi export --no-encrypt\``,
    );
  }
  if (entityFiles === 0) {
    throw new StrapiArchiveError(`${file} is not a Strapi export: it has no entities/entities_*.jsonl (made by \`strapi export --no-encrypt\`)`);
  }
  return result;
}
