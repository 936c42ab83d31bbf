import type pg from 'pg';

/**
 * The configuration of a dedicated session (leadership, work claims) named `applicationName`.
 * node-postgres lets the connection string's parameters override the configuration's, so an
 * `application_name` in SMARTCLOUDOPS_DATABASE_URL (a documented parameter) replaced the
 * session's name: the replicas, which find each other by these names in pg_stat_activity,
 * then saw none but themselves. The URL's own name stays on the pool's connections.
 */
export function namedSessionConfig(base: pg.ClientConfig, applicationName: string): pg.ClientConfig {
  let connectionString = base.connectionString;
  if (connectionString) {
    const url = new URL(connectionString);
    url.searchParams.delete('application_name');
    connectionString = url.toString();
  }
  // keepAlive: a peer that vanished without closing its socket is noticed on this side too.
  return { ...base, ...(connectionString === undefined ? {} : { connectionString }), keepAlive: true, application_name: applicationName };
}
