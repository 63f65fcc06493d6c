import { ConfigError, StartupError, loadConfig, loadDotEnv } from './config.js';
import { createLogger } from './observability/logger.js';
import { startService } from './app.js';
import { startTracing } from './observability/tracing.js';

loadDotEnv();
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger({ level: config.logLevel, pretty: !config.production && process.stdout.isTTY });
// Before anything that makes spans; a no-op (nothing of OpenTelemetry loaded) without an OTLP endpoint.
const tracing = await startTracing(logger);
let service;
try {
  service = await startService(config, logger, { tracing });
} catch (error) {
  // A configuration problem found while starting (e.g. DATABASE_URL) reads like one found while
  // parsing; a fault of the machine (DATA_DIR, database file, port) is one line, no stack.
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) {
    // A second signal (Ctrl-C again): no more waiting for the load balancer.
    service.skipDrain();
    return;
  }
  stopping = true;
  logger.info(
    { signal, drainMs: config.shutdownDrainMs },
    'shutting down: /ready answers 503 while the load balancer drains (SHUTDOWN_DRAIN_MS; a second signal skips it), then in-flight requests finish',
  );
  // A hung dependency must not keep the container from stopping.
  setTimeout(() => process.exit(1), 10_000).unref();
  // Spans of the last requests and attempts are flushed once they have ended.
  const stopped = service
    .drain()
    .then(() => service.stop())
    .finally(() => tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'tracing: flush failed')));
  stopped.then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
// MERCHANTS_FILE again, swapped whole; a bad file keeps the merchants in use (one warning line).
process.on('SIGHUP', () => void service.merchants.reload());
process.on('SIGINT', () => shutdown('SIGINT'));
