import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { startService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { sandboxEnv, startSandbox, type RunningSandbox, type Simulators } from '../../src/sandbox/index.js';
import type { CallbackPacing } from '../../src/server/callback-line.js';
import type { VendorTransportOptions } from '../../src/vendor-http/vendor-transport.js';
import { atFileEnd } from './cleanup.js';
import { LogCapture } from './log-capture.js';

export interface GraphQLAnswer<TData> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestService {
  service: RunningService;
  sandbox: RunningSandbox['sandbox'];
  simulators: Simulators;
  logs: LogCapture;
  url: string;
  /** Every secret this test configured: none may appear in output. */
  secrets: string[];
  gql<TData, TVars>(
    document: TypedDocumentNode<TData, TVars> | string,
    variables?: TVars,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer<TData>>;
  stop(): Promise<void>;
}

/**
 * The service in live mode against the vendor simulators on their own loopback port: the
 * same path production takes against real vendors, with real HTTP on both sides.
 */
export async function startTestService(
  options: {
    env?: Record<string, string>;
    simulators?: Partial<Simulators>;
    sandbox?: RunningSandbox;
    /** What no environment variable sets, e.g. a name `lookup` that never answers. */
    transport?: Partial<VendorTransportOptions>;
    /** Shorter callback retry waits or heartbeat floor (no environment variable sets them). */
    callbackPacing?: Partial<CallbackPacing>;
  } = {},
): Promise<TestService> {
  const running = options.sandbox ?? (await startSandbox({ simulators: options.simulators }));
  const { sandbox, simulators } = running;
  const logs = new LogCapture();
  // Each service its own database unless the test shares one on purpose (restarts, two workers).
  const ownDataDir = options.env?.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'vendor-ops-test-'));
  // Passed or failed, and even when starting fails: stopped and removed by the end of the test file.
  let service: RunningService | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await service?.stop();
        if (!options.sandbox) await sandbox.close();
      } finally {
        if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
      }
    })());
  const forget = atFileEnd(stop);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    VENDOR_MODE: 'live',
    // Caller auth is covered by test/security; other tests run with it off, as a router-fronted deployment may.
    AUTH_DISABLED: 'true',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    VENDOR_TIMEOUT_MS: '1500',
    ...sandboxEnv(running),
    LIFEPAY_RETRY_SCHEDULE: '1,1,2',
    LIFEPAY_WORKER_POLL_MS: '100',
    ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  config.subscriptionCallbackPacing = options.callbackPacing;
  config.vendorTransport = { ...config.vendorTransport, ...options.transport };
  service = await startService(config, logs.logger);
  const storedSecret = await service.store.db
    .selectFrom('service_settings')
    .select('value')
    .where('key', '=', 'callback_secret')
    .executeTakeFirst();
  const secrets = [
    env.FEYIN_API_KEY,
    env.FEYIN_CALLBACK_KEY,
    env.LIFEPAY_API_KEY,
    env.APIUSB_APP_SECRET,
    env.APIUSB_ACCESS_TOKEN,
    env.PICKUP_APP_SECRET,
    env.PICKUP_SIGN_KEY,
    env.CALLBACK_SECRET,
    storedSecret?.value,
  ].filter((s): s is string => Boolean(s));

  return {
    service,
    sandbox,
    simulators,
    logs,
    url: service.url,
    secrets,
    async gql(document, variables, headers = {}) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
      });
      const body = (await response.json()) as { data?: never; errors?: never };
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
    },
    async stop() {
      forget();
      await stop();
    },
  };
}
