-- ACL rules now name a static role by its type only (a display name can be chosen to look like another
-- role). Rules stored earlier under a role's display name are rewritten to that role's type, so they
-- keep applying to the role they were written for. A principal that already is some role's type is
-- left alone: it meant that role, and now means only that role.
CREATE TEMPORARY TABLE "named_rules" AS
SELECT rule."id", rule."resource", rule."access_type", rule."permission", role."type"
FROM "acl_rules" AS rule
JOIN "roles" AS role ON rule."principal_id" = role."name"
WHERE rule."principal_type" = 'ROLE'
  AND NOT EXISTS (SELECT 1 FROM "roles" AS other WHERE other."type" = rule."principal_id");

-- When the same rule also exists under the type, both matched the role until now and DENY won: keep
-- one rule, a DENY if either was, so that nothing is allowed that was refused before.
UPDATE "acl_rules" AS twin
SET "permission" = 'DENY'
FROM "named_rules" AS named
WHERE twin."principal_type" = 'ROLE'
  AND twin."principal_id" = named."type"
  AND twin."resource" = named."resource"
  AND twin."access_type" = named."access_type"
  AND named."permission" = 'DENY';

DELETE FROM "acl_rules" AS rule
USING "named_rules" AS named
WHERE rule."id" = named."id"
  AND EXISTS (
    SELECT 1 FROM "acl_rules" AS twin
    WHERE twin."principal_type" = 'ROLE'
      AND twin."principal_id" = named."type"
      AND twin."resource" = named."resource"
      AND twin."access_type" = named."access_type"
  );

UPDATE "acl_rules" AS rule
SET "principal_id" = named."type"
FROM "named_rules" AS named
WHERE rule."id" = named."id";

DROP TABLE "named_rules";
