/**
 * A small Pothos plugin that puts every root field, and every object field marked with `acl`, under
 * the ACL: it derives the field's schema coordinate and access type and hands scope-auth a check
 * against the per-request authorizer. Root fields need no option at all, which is the point: a field
 * added later is covered, and with no rule for it the default is deny. A field opens itself by naming
 * the principals of its default rule (`acl: { allow: ["$everyone"] }`); default-rules.ts collects
 * those from the built schema.
 */
import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  PothosSchemaError,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from "@pothos/core";
import { type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from "graphql";
import type { AccessType, AclRule, RuleAccessType } from "./acl.ts";
import type { RequestAuthorizer } from "./authorizer.ts";
import type { AccessTarget } from "./dynamic-roles.ts";

/**
 * A principal the field's default rule allows, on the field's own access type; or on every access type
 * (`accessType: "*"`), which any stored rule naming the field for a static role outranks.
 */
export type DefaultAllow = string | { principal: string; accessType: RuleAccessType };

/** Allows `principal` on every access type of the field (see DefaultAllow). */
export const onAnyAccess = (principal: string): DefaultAllow => ({ principal, accessType: "*" });

/** Per-field ACL options. */
export interface AclFieldOptions {
  /** Principals (roles such as `$everyone` or `admin`) allowed without any stored rule. Default: none. */
  allow?: readonly DefaultAllow[];
  /** Defaults to WRITE for mutations and READ for everything else. */
  accessType?: AccessType;
  /**
   * The model whose record an `id` argument names, for `$owner` and custom roles. Defaults to the
   * Prisma model the field returns; set it when the field returns something else (a payload).
   */
  model?: string;
}

/** What the plugin records in the built field's `extensions.acl`, read by `myPermissions`. */
export interface FieldAcl {
  resource: string;
  accessType: AccessType;
  /** The field's default rules, from its `allow` option. */
  defaultRules: AclRule[];
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      acl: PothosAclPlugin<Types>;
    }
    export interface FieldOptions<
      Types extends SchemaTypes,
      ParentShape,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveShape,
      ResolveReturnShape,
    > {
      /**
       * Puts an object field under the ACL (root fields always are), or tunes how a root field is checked.
       * `true` takes the defaults.
       */
      acl?: AclFieldOptions | true;
    }
  }
}

const rootKinds = new Set(["Query", "Mutation", "Subscription"]);

/** The Prisma model of an output type, when it is a prismaObject. */
function prismaModelOf(type: { kind: string; ref?: unknown }): string | undefined {
  if (type.kind === "List") return undefined;
  const ref = type.ref as { modelName?: unknown };
  return typeof ref.modelName === "string" ? ref.modelName : undefined;
}

export class PothosAclPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const isRoot = rootKinds.has(fieldConfig.kind);
    const option = fieldConfig.pothosOptions.acl;
    if (!isRoot && !option) return fieldConfig;

    const resource = `${fieldConfig.parentType}.${fieldConfig.name}`;
    if ((fieldConfig.pothosOptions as { authScopes?: unknown }).authScopes) {
      // Two authorization mechanisms on one field would make the rules lie about who may call it.
      throw new PothosSchemaError(`${resource} is authorized by ACL rules: do not set authScopes on it`);
    }
    const options = option === true || !option ? {} : option;
    const accessType: AccessType = options.accessType ?? (fieldConfig.kind === "Mutation" ? "WRITE" : "READ");
    const isList = fieldConfig.type.kind === "List";
    const model = options.model ?? prismaModelOf(fieldConfig.type);
    const parentModel = (this.buildCache.getTypeConfig(fieldConfig.parentType).extensions as
      | { pothosPrismaModel?: string }
      | undefined)?.pothosPrismaModel;

    const targetOf = (parent: unknown, args: Record<string, unknown>): AccessTarget => {
      if (!isRoot) return { kind: "record", model: parentModel, record: parent as Record<string, unknown> };
      if (isList) return { kind: "list", model };
      const id = args.id;
      if (typeof id === "string" || typeof id === "number") return { kind: "record", model, id };
      return { kind: "none" };
    };

    const authScopes = (
      parent: unknown,
      args: Record<string, unknown>,
      context: { authz: RequestAuthorizer },
      _info: GraphQLResolveInfo,
    ) =>
      context.authz
        .check({ resource, accessType }, targetOf(parent, args), isRoot ? args : {})
        .then((decision) => decision.allowed);

    const defaultRules = (options.allow ?? []).map((entry): AclRule => {
      const { principal, accessType: ruleAccessType } = typeof entry === "string" ? { principal: entry, accessType } : entry;
      return { resource, accessType: ruleAccessType, principalType: "ROLE", principalId: principal, permission: "ALLOW" };
    });
    const acl: FieldAcl = { resource, accessType, defaultRules };
    return {
      ...fieldConfig,
      extensions: { ...fieldConfig.extensions, acl },
      pothosOptions: { ...fieldConfig.pothosOptions, authScopes },
    } as PothosOutputFieldConfig<Types>;
  }
}

const guardedFieldsOf = new WeakMap<GraphQLSchema, readonly FieldAcl[]>();

/**
 * Every field of a built schema that the ACL guards, as recorded by the plugin. A built schema does not
 * change, so the walk over its types happens once per schema, not on every `myPermissions` or matrix call.
 */
export function guardedFields(schema: GraphQLSchema): readonly FieldAcl[] {
  let fields = guardedFieldsOf.get(schema);
  if (!fields) {
    fields = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()))
      .flatMap((field) => (field.extensions.acl ? [field.extensions.acl as FieldAcl] : []));
    guardedFieldsOf.set(schema, fields);
  }
  return fields;
}

SchemaBuilder.registerPlugin("acl", PothosAclPlugin);

export default "acl" as const;
