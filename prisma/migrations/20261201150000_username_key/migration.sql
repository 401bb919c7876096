-- Usernames become unique case-insensitively in the database: "username_key" holds the case-folded
-- username (src/modules/users/identity.ts `usernameKey`, which the app writes with every username) and
-- carries a unique index.
ALTER TABLE "users" ADD COLUMN "username_key" TEXT;

-- Backfill with the database's own case mapping (upper then lower, as the app does). For a few letters,
-- such as ß, PostgreSQL maps one character where the app maps two, which only matters for names
-- written before this migration. (No semicolons in these comments: the Prisma CLI splits on them.)
UPDATE "users" SET "username_key" = normalize(lower(upper(normalize("username", NFKC))), NFKC);

-- Accounts whose usernames differ only in case (allowed until now): the oldest keeps its name, the
-- others get "-<id>" appended, which no other account can hold. They still sign in with their email.
UPDATE "users" AS later
SET "username" = later."username" || '-' || later."id",
    "username_key" = later."username_key" || '-' || later."id"
WHERE EXISTS (SELECT 1 FROM "users" AS earlier WHERE earlier."username_key" = later."username_key" AND earlier."id" < later."id");

ALTER TABLE "users" ALTER COLUMN "username_key" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key_key" ON "users"("username_key");
