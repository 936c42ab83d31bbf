-- PostgreSQL twin of migrations/067_user_ids_never_reused.sql: nothing to do, the identity
-- column of users never gives an id twice.
SELECT 1;
