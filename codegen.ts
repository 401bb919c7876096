/**
 * graphql-codegen: typed documents for the operations the integration tests send (test/gql), checked
 * against the committed schema.graphql. `npm run codegen`; also run before the tests.
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["test/**/*.ts", "!test/gql/**"],
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
