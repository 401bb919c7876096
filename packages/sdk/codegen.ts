/**
 * graphql-codegen for the SDK: typed documents for the operations in src/operations, checked against the
 * server's committed schema.graphql, written to src/gql as strings (`documentMode: "string"`) so the SDK
 * needs no GraphQL runtime. `npm run codegen` regenerates; test/codegen.test.ts fails when src/gql is stale.
 */
import { fileURLToPath } from "node:url";
import type { CodegenConfig } from "@graphql-codegen/cli";

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Where the generated files go (relative paths resolve against this package, whatever the cwd). */
export const GENERATED_DIR = fromHere("./src/gql/");

const config: CodegenConfig = {
  schema: fromHere("../../schema.graphql"),
  documents: [fromHere("./src/operations/*.graphql")],
  // ESM import specifiers (".js") in the generated files, as NodeNext resolution and browsers require.
  emitLegacyCommonJSImports: false,
  generates: {
    [GENERATED_DIR]: {
      preset: "client",
      presetConfig: { fragmentMasking: false, gqlTagName: "graphql" },
      config: {
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSONObject: "Record<string, unknown>" },
      },
    },
  },
};

export default config;
