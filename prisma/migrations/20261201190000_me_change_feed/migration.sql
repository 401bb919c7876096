-- `me` is answered from the authentication cache too (src/modules/auth/me-state.ts): the users trigger
-- of the change feed now also fires on the columns `me` shows. Other edits (profile, password hash,
-- lockout bookkeeping) still send nothing.
DROP TRIGGER "users_auth_change_update" ON "users";
CREATE TRIGGER "users_auth_change_update" AFTER UPDATE ON "users" FOR EACH ROW
  WHEN (OLD."blocked" IS DISTINCT FROM NEW."blocked"
     OR OLD."token_version" IS DISTINCT FROM NEW."token_version"
     OR OLD."primary_role_id" IS DISTINCT FROM NEW."primary_role_id"
     OR OLD."id" IS DISTINCT FROM NEW."id"
     OR OLD."username" IS DISTINCT FROM NEW."username"
     OR OLD."email" IS DISTINCT FROM NEW."email"
     OR OLD."confirmed" IS DISTINCT FROM NEW."confirmed"
     OR OLD."document_id" IS DISTINCT FROM NEW."document_id")
  EXECUTE FUNCTION "gatehouse_notify_user_change"('id');
