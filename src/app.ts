import { configuredVendors, type Config } from './config.js';
import type { Logger } from './logger.js';
import { startSandbox, withSandboxVendors, type RunningSandbox } from './sandbox/index.js';
import { buildSubgraph } from './schema.js';
import { ServiceServer } from './server.js';
import { createVendors } from './vendors.js';

export interface RunningService {
  config: Config;
  server: ServiceServer;
  /** The in-process vendor simulators (sandbox mode only). */
  sandbox?: RunningSandbox;
  url: string;
  stop(): Promise<void>;
}

/** config → (sandbox) → vendor clients → schema → HTTP server. */
export async function startService(baseConfig: Config, logger: Logger, options: { sandbox?: RunningSandbox } = {}): Promise<RunningService> {
  let sandbox = options.sandbox;
  const ownsSandbox = baseConfig.vendorMode === 'sandbox' && !sandbox;
  if (ownsSandbox) sandbox = await startSandbox();
  const config = baseConfig.vendorMode === 'sandbox' && sandbox ? withSandboxVendors(baseConfig, sandbox) : baseConfig;

  if (config.vendorMode === 'sandbox') {
    logger.info({ sandbox: sandbox?.sandbox.url }, 'vendor mode: sandbox (built-in simulators, no vendor accounts needed)');
  } else {
    const vendors = configuredVendors(config);
    const live = Object.entries(vendors).filter(([, ok]) => ok).map(([v]) => v);
    const missing = Object.entries(vendors).filter(([, ok]) => !ok).map(([v]) => v);
    logger.info({ live, notConfigured: missing }, `vendor mode: live (${live.join(', ') || 'none'} configured${missing.length ? `; ${missing.join(', ')} answer VENDOR_NOT_CONFIGURED` : ''})`);
  }

  const vendors = createVendors(config, logger);
  const schema = await buildSubgraph();
  const server = new ServiceServer({ schema, vendors, logger, production: config.production });
  await server.listen(config.port, config.host);
  logger.info({ port: (server.http.address() as { port: number }).port }, `GraphQL at http://localhost:${(server.http.address() as { port: number }).port}/graphql`);

  return {
    config,
    server,
    sandbox,
    url: server.url,
    async stop() {
      await server.stop();
      if (ownsSandbox) await sandbox?.sandbox.close();
    },
  };
}
