-- The advanced settings are read by every login and register (email confirmation, whether anyone may
-- register, the default role), so they are served from memory like the authentication state
-- (src/modules/settings/settings.service.ts) and kept exact the same way: every write to the table,
-- from any writer, sends "settings" on the change feed's channel at commit. One notification per
-- statement; the table holds a handful of rows (the advanced settings and the email templates).
CREATE TRIGGER "settings_auth_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "settings" FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_change"('settings');
