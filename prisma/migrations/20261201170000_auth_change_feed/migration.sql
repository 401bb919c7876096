-- The change feed of the authentication cache (docs/performance.md). Every write that can change
-- whether a token is still good or what its holder may do sends a notification on the channel
-- "gatehouse_auth_changes", from the writing transaction itself, so it is delivered at commit and only
-- then, whoever the writer is (Gatehouse, the CLI, an import, psql). Payloads:
--   user:<id>   that user's blocked state, token version, sessions or static roles changed
--   roles       roles themselves changed (a type or name, a deleted role): every user's held roles
--   rules       the stored ACL rules changed
--   all         a table was truncated: forget everything
-- PostgreSQL folds identical payloads within one transaction, so revoking every session of a user is
-- one notification. Inserting a user or a session sends nothing: the cache never holds absent rows.

CREATE FUNCTION "gatehouse_notify_user_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('gatehouse_auth_changes', 'user:' || (to_jsonb(OLD) ->> TG_ARGV[0]));
  ELSE
    PERFORM pg_notify('gatehouse_auth_changes', 'user:' || (to_jsonb(NEW) ->> TG_ARGV[0]));
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[0]) IS DISTINCT FROM (to_jsonb(NEW) ->> TG_ARGV[0]) THEN
      PERFORM pg_notify('gatehouse_auth_changes', 'user:' || (to_jsonb(OLD) ->> TG_ARGV[0]));
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION "gatehouse_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_auth_changes', TG_ARGV[0]);
  RETURN NULL;
END
$$;

-- users: only the columns authentication and authorization read (profile or email edits send nothing).
CREATE TRIGGER "users_auth_change_update" AFTER UPDATE ON "users" FOR EACH ROW
  WHEN (OLD."blocked" IS DISTINCT FROM NEW."blocked"
     OR OLD."token_version" IS DISTINCT FROM NEW."token_version"
     OR OLD."primary_role_id" IS DISTINCT FROM NEW."primary_role_id"
     OR OLD."id" IS DISTINCT FROM NEW."id")
  EXECUTE FUNCTION "gatehouse_notify_user_change"('id');
CREATE TRIGGER "users_auth_change_delete" AFTER DELETE ON "users" FOR EACH ROW
  EXECUTE FUNCTION "gatehouse_notify_user_change"('id');
CREATE TRIGGER "users_auth_change_truncate" AFTER TRUNCATE ON "users" FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_change"('all');

-- sessions: revocation, the lifetimes a token's session is checked against, and deletion.
CREATE TRIGGER "sessions_auth_change_update" AFTER UPDATE ON "sessions" FOR EACH ROW
  WHEN (OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at"
     OR OLD."last_used_at" IS DISTINCT FROM NEW."last_used_at"
     OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
     OR OLD."idle_lifespan" IS DISTINCT FROM NEW."idle_lifespan"
     OR OLD."user_id" IS DISTINCT FROM NEW."user_id")
  EXECUTE FUNCTION "gatehouse_notify_user_change"('user_id');
CREATE TRIGGER "sessions_auth_change_delete" AFTER DELETE ON "sessions" FOR EACH ROW
  EXECUTE FUNCTION "gatehouse_notify_user_change"('user_id');
CREATE TRIGGER "sessions_auth_change_truncate" AFTER TRUNCATE ON "sessions" FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_change"('all');

-- user_roles: a user's further roles.
CREATE TRIGGER "user_roles_auth_change" AFTER INSERT OR UPDATE OR DELETE ON "user_roles" FOR EACH ROW
  EXECUTE FUNCTION "gatehouse_notify_user_change"('user_id');
CREATE TRIGGER "user_roles_auth_change_truncate" AFTER TRUNCATE ON "user_roles" FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_change"('all');

-- roles and acl_rules: one notification per statement, whatever the number of rows.
CREATE TRIGGER "roles_auth_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "roles" FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_change"('roles');
CREATE TRIGGER "acl_rules_auth_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "acl_rules" FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_change"('rules');
