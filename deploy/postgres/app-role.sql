-- Flurfunk on a PostgreSQL server: the application's own role, without the power to change
-- history. Run as the owner of Flurfunk's tables, in Flurfunk's database, after
-- `flurfunk migrate` (which runs as that owner):
--
--   psql "postgres://owner@db.example/flurfunk" -f deploy/postgres/app-role.sql
--   psql "postgres://owner@db.example/flurfunk" -c "ALTER ROLE flurfunk_app PASSWORD '…'"
--
-- Then run `flurfunk serve` with DATABASE_URL naming flurfunk_app. The script is idempotent:
-- run it again after each `flurfunk migrate` so new tables get their grants.
--
-- What the role may do:
--   events, checkpoints, installation: SELECT and INSERT only. No UPDATE, DELETE or TRUNCATE,
--     on top of the triggers that refuse those to everyone, the owner included.
--   stream_keys: also DELETE, because crypto-shredding destroys a stream's data key.
--   every other table (read models, sessions, ... in later versions): full DML, no TRUNCATE.
--   knex_migrations*: SELECT only, so serve can see that no migration is pending.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flurfunk_app') THEN
    CREATE ROLE flurfunk_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO flurfunk_app', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO flurfunk_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO flurfunk_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO flurfunk_app;
REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM flurfunk_app;

REVOKE UPDATE, DELETE ON events, checkpoints, installation FROM flurfunk_app;
REVOKE UPDATE ON stream_keys FROM flurfunk_app;
REVOKE INSERT, UPDATE, DELETE ON knex_migrations, knex_migrations_lock FROM flurfunk_app;
