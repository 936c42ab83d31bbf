import { buildServer } from './app.ts';
import { SetupError } from './setup-error.ts';
import { loadConfig } from './config.ts';
import { ensureWritableDataDir } from './db/data-dir.ts';
import { lockDataDir } from './db/data-dir-lock.ts';
import { startTracing } from './observability/tracing.ts';

/** `npm run server`: start the server on the configured host and port. */
async function main(): Promise<void> {
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) asks for it; before the
  // server is built, so that it instruments itself (see docs/deploy.md, "Traces").
  const tracing = await startTracing();
  let app;
  // Held for the process's life (the kernel lets go of it however the process ends).
  let releaseDataDir = () => {};
  try {
    // On SQLite the data folder is this process's alone (db/data-dir-lock.ts); replicas on
    // PostgreSQL may share one.
    if (!process.env.SMARTCLOUDOPS_DATABASE_URL) {
      const { dataDir } = loadConfig();
      ensureWritableDataDir(dataDir);
      releaseDataDir = lockDataDir(dataDir);
    }
    app = await buildServer();
    // Features finish starting in listen()'s onReady hooks (the data source key, signing
    // keys, the LISTEN connection): their set-up errors come from here as well.
    const { host, port } = app.ctx.config;
    try {
      await app.listen({ host, port });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
        throw new SetupError(`Cannot listen on ${host}:${port} (${code}): another program may hold the port, or the address is not this host's; set SMARTCLOUDOPS_HOST and SMARTCLOUDOPS_PORT.`, { cause: error });
      }
      throw error;
    }
  } catch (error) {
    // Problems of the set-up, not bugs (a bad setting, a data folder or database file that
    // cannot be used, a database that cannot be reached): one clear line and exit status 2,
    // no stack trace.
    if (error instanceof SetupError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const { host, port, dataDir } = app.ctx.config;
  const password = app.handle.oneTimeAdminPassword;
  if (password) {
    // Printed once, on purpose to the terminal and not through the logger.
    process.stdout.write(`\nFirst run: created user "admin" with one-time password: ${password}\nYou will be asked to change it at first login.\n\n`);
  }
  process.stdout.write(`SmartCloudOps server listening on http://${host}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : port} (data: ${dataDir})\n`);
  // The first signal closes: requests running get SMARTCLOUDOPS_SHUTDOWN_GRACE to finish, then
  // those still waiting (on a hung peer) are answered 503 so the close goes on. A second
  // signal (an impatient operator, a supervisor's reminder) cuts the grace short; the close
  // itself still runs, so the stores flush and the database closes as usual.
  let closing = false;
  const { requestsInFlight } = app.handle;
  const shutDown = () => {
    if (closing) {
      requestsInFlight.cut();
      return;
    }
    closing = true;
    setTimeout(() => requestsInFlight.cut(), app.ctx.config.shutdownGraceSeconds * 1000).unref();
    void app
      .close()
      .then(() => releaseDataDir())
      .then(() => tracing.shutdown())
      .then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, shutDown);
}

await main();
