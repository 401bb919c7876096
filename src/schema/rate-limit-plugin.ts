/**
 * Declares a root field rate limited where the field is declared: `rateLimit: true` gives it a per-field
 * limit per client IP and identifier (RATE_LIMIT_MAX / RATE_LIMIT_WINDOW_SECONDS, overridden by
 * RATE_LIMITS under the field's name), and allows it once per operation. The list of limited fields is
 * read from the built schema (`rateLimitedFieldsOf`) and written by `npm run schema:print` to
 * src/rate-limited-fields.ts, which config validation reads before any schema is built.
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
import { type GraphQLSchema, isObjectType } from "graphql";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      rateLimit: PothosRateLimitPlugin<Types>;
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
       * A per-field rate limit under the field's name; its service counts each execution with
       * `rateLimits.consume(name, { ip, identifier })`. Mutations only.
       */
      rateLimit?: true;
    }
  }
}

export class PothosRateLimitPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (!fieldConfig.pothosOptions.rateLimit) return fieldConfig;
    if (fieldConfig.kind !== "Mutation") {
      throw new PothosSchemaError(`${fieldConfig.parentType}.${fieldConfig.name}: rateLimit is for mutations`);
    }
    return { ...fieldConfig, extensions: { ...fieldConfig.extensions, rateLimit: true } };
  }
}

/** The names of the rate-limited mutations of a built schema, sorted. */
export function rateLimitedFieldsOf(schema: GraphQLSchema): string[] {
  const mutation = schema.getMutationType();
  if (!mutation || !isObjectType(mutation)) return [];
  return Object.values(mutation.getFields())
    .filter((field) => field.extensions.rateLimit === true)
    .map((field) => field.name)
    .sort();
}

SchemaBuilder.registerPlugin("rateLimit", PothosRateLimitPlugin);

export default "rateLimit" as const;
