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

/**
 * How soon PostgreSQL gives up on a silent peer of a dedicated session, seconds: idle before
 * the first probe, between probes, probes lost. The session's advisory locks (the leadership,
 * the work claims) are freed only when PostgreSQL ends the session; a process killed closes
 * its socket, but a lost node or link closes nothing, and with the system's defaults (2 h
 * idle, then 9 probes 75 s apart on Linux) its locks stayed held for over two hours: no
 * replica could lead the scheduled work (rules) or take its watches for that long.
 */
export const SESSION_KEEPALIVES = { idleSeconds: 10, intervalSeconds: 5, count: 3 } as const;

/** Connects a dedicated session and has PostgreSQL probe it (SESSION_KEEPALIVES); over a Unix socket the settings do nothing. */
export async function openNamedSession(client: pg.Client): Promise<void> {
  await client.connect();
  // SET rather than the startup `options`, which a connection pooler in front may refuse.
  await client.query(
    "SELECT set_config('tcp_keepalives_idle', $1, false), set_config('tcp_keepalives_interval', $2, false), set_config('tcp_keepalives_count', $3, false)",
    [String(SESSION_KEEPALIVES.idleSeconds), String(SESSION_KEEPALIVES.intervalSeconds), String(SESSION_KEEPALIVES.count)],
  );
}
