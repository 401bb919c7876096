/**
 * graphql-codegen: typed documents for the operations the integration tests send, checked against the
 * committed schema.graphql. The operations are declared once, by module, in test/operations/; the typed
 * `graphql()` they call is generated into test/gql/. `npm run codegen`; also run before the tests.
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["test/operations/**/*.ts"],
  ignoreNoDocuments: true,
  // ESM import specifiers (".js") in the generated files, as NodeNext resolution requires.
  emitLegacyCommonJSImports: false,
  generates: {
    "test/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string" },
      },
    },
  },
};

export default config;
