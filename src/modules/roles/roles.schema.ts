import { builder } from "../../schema/builder.ts";

export const Role = builder.prismaObject("Role", {
  description: "A static role stored in the database (Public, Authenticated, Admin or custom).",
  fields: (t) => ({
    id: t.exposeID("id"),
    documentId: t.exposeID("documentId"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    type: t.exposeString("type", { description: "public, authenticated, admin, or a custom role's slug." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.queryField("roles", (t) =>
  t.prismaField({
    type: [Role],
    description: "Every static role.",
    authScopes: { public: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.role.findMany({ ...query, orderBy: { id: "asc" } }),
  }),
);
