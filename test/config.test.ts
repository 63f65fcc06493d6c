import { describe, expect, it } from 'vitest';
import { BENCH_LAYERS, ConfigError, heapSizedConnections, loadConfig } from '../src/config.js';
import { configuredVendors } from '../src/merchants/accounts.js';

describe('loadConfig', () => {
  it('defaults to sandbox on :4001, live in production', () => {
    const dev = loadConfig({});
    expect(dev).toMatchObject({ port: 4001, host: '0.0.0.0', vendorMode: 'sandbox', vendorTimeoutMs: 10_000, dataDir: './data' });
    expect(dev.feyin.baseUrl).toBe('https://api.open.feyin.net');
    expect(dev.lifepay.retryScheduleSec).toEqual([60, 180, 300, 600]);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true' }).vendorMode).toBe('live');
    expect(loadConfig({ NODE_ENV: 'production', VENDOR_MODE: 'sandbox' }).vendorMode).toBe('sandbox');
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET or AUTH_JWKS_URL/);
  });

  it('names every bad variable in one message, without echoing URL credentials', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        VENDOR_MODE: 'demo',
        VENDOR_TIMEOUT_MS: '-5',
        FEYIN_BASE_URL: 'https://user:hunter2@api.example?token=abc',
        LIFEPAY_LOGIN: '12345',
        LIFEPAY_RETRY_SCHEDULE: '60,soon',
        APIUSB_APP_KEY: 'k',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of [
      'PORT',
      'VENDOR_MODE',
      'VENDOR_TIMEOUT_MS',
      'FEYIN_BASE_URL',
      'LIFEPAY_LOGIN',
      'LIFEPAY_RETRY_SCHEDULE',
      'APIUSB_APP_SECRET',
    ]) {
      expect(message).toContain(name);
    }
    expect((error as ConfigError).problems).toHaveLength(7);
    expect(message).not.toContain('hunter2');
  });

  it('reads the fiscal outbox settings', () => {
    const config = loadConfig({ LIFEPAY_RETRY_SCHEDULE: '1,1,2', LIFEPAY_WORKER_POLL_MS: '100', CALLBACK_SECRET: 's'.repeat(32) });
    expect(config.lifepay).toMatchObject({ retryScheduleSec: [1, 1, 2], retryMaxAgeSec: 86_400, workerPollMs: 100 });
    expect(config.callbackSecret).toBe('s'.repeat(32));
    expect(loadConfig({}).lifepay.workerPollMs).toBe(5_000);
    expect(() => loadConfig({ CALLBACK_SECRET: 'short', LIFEPAY_WORKER_POLL_MS: '0' })).toThrow(
      /CALLBACK_SECRET[\s\S]*LIFEPAY_WORKER_POLL_MS|LIFEPAY_WORKER_POLL_MS[\s\S]*CALLBACK_SECRET/,
    );
  });

  it('reads SUBSCRIPTIONS_MAX within its bounds (10000 by default)', () => {
    expect(loadConfig({}).subscriptionsMax).toBe(10_000);
    expect(loadConfig({ SUBSCRIPTIONS_MAX: '2' }).subscriptionsMax).toBe(2);
    for (const bad of ['0', '1000001', 'many'])
      expect(() => loadConfig({ SUBSCRIPTIONS_MAX: bad })).toThrow(/SUBSCRIPTIONS_MAX must be a whole number from 1 to 1000000/);
  });

  it('reads the graphql-ws settings within their bounds; WS_CONNECTIONS_MAX sized to the heap by default', () => {
    const config = loadConfig({});
    expect(config.wsInitTimeoutMs).toBe(10_000);
    expect(config.wsKeepAliveMs).toBe(12_000);
    expect(config.wsConnectionsMax).toBe(heapSizedConnections());
    expect(loadConfig({ WS_INIT_TIMEOUT_MS: '500', WS_KEEPALIVE_MS: '300', WS_CONNECTIONS_MAX: '8' })).toMatchObject({
      wsInitTimeoutMs: 500,
      wsKeepAliveMs: 300,
      wsConnectionsMax: 8,
    });
    const error = (() => {
      try {
        loadConfig({ WS_INIT_TIMEOUT_MS: '99', WS_KEEPALIVE_MS: '0', WS_CONNECTIONS_MAX: 'lots' });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.problems).toEqual([
      'WS_INIT_TIMEOUT_MS must be a whole number from 100 to 60000 (got "99")',
      'WS_KEEPALIVE_MS must be a whole number from 100 to 300000 (got "0")',
      'WS_CONNECTIONS_MAX must be a whole number from 1 to 1000000 (got "lots")',
    ]);
  });

  it("sizes connections to a quarter of V8's heap limit at 8 KB each, in hundreds", () => {
    // The start command's --max-old-space-size=128 --max-semi-space-size=16: 176 MiB.
    expect(heapSizedConnections(176 * 1024 * 1024)).toBe(5_600);
    expect(heapSizedConnections(2 * 1024 ** 3)).toBe(65_500);
    expect(heapSizedConnections(1024 * 1024)).toBe(100);
  });

  it('reads FEYIN_POLL_INTERVAL in seconds, 0 (off) by default, 0 to 3600', () => {
    expect(loadConfig({}).feyinPollIntervalSec).toBe(0);
    expect(loadConfig({ FEYIN_POLL_INTERVAL: '5' }).feyinPollIntervalSec).toBe(5);
    expect(loadConfig({ FEYIN_POLL_INTERVAL: '3600' }).feyinPollIntervalSec).toBe(3600);
    for (const bad of ['3601', '-1', '0.5', 'often'])
      expect(() => loadConfig({ FEYIN_POLL_INTERVAL: bad })).toThrow(/FEYIN_POLL_INTERVAL must be a whole number from 0 to 3600/);
  });

  it('reads the Feyin callback key (FEYIN_API_KEY by default) and CALLBACK_MAX_AGE within its bounds', () => {
    expect(loadConfig({}).feyin.callbackKey).toBeUndefined();
    expect(loadConfig({ FEYIN_API_KEY: 'member-key' }).feyin.callbackKey).toBe('member-key');
    expect(loadConfig({ FEYIN_API_KEY: 'member-key', FEYIN_CALLBACK_KEY: 'app-key' }).feyin.callbackKey).toBe('app-key');
    expect(loadConfig({}).callbackMaxAgeSec).toBe(300);
    expect(loadConfig({ CALLBACK_MAX_AGE: '60' }).callbackMaxAgeSec).toBe(60);
    for (const bad of ['9', '86401', '5m', '-1']) {
      expect(() => loadConfig({ CALLBACK_MAX_AGE: bad })).toThrow(/CALLBACK_MAX_AGE must be a whole number from 10 to 86400/);
    }
  });

  it('keeps entity state for ENTITY_STATE_MAX_AGE seconds, 30 days by default, and refuses nonsense', () => {
    expect(loadConfig({}).entityStateMaxAgeSec).toBe(30 * 86_400);
    expect(loadConfig({ ENTITY_STATE_MAX_AGE: '3600' }).entityStateMaxAgeSec).toBe(3600);
    for (const bad of ['0', '59', '30d', '-1', '999999999999']) {
      expect(() => loadConfig({ ENTITY_STATE_MAX_AGE: bad })).toThrow(/ENTITY_STATE_MAX_AGE must be a whole number from 60/);
    }
  });

  it('reads MAX_QUERY_COST in demand-control units (500 by default, 1 to 1000000)', () => {
    expect(loadConfig({}).auth.maxQueryCost).toBe(500);
    expect(loadConfig({ MAX_QUERY_COST: '2000' }).auth.maxQueryCost).toBe(2000);
    for (const bad of ['0', '1000001', 'lots', '-5']) {
      expect(() => loadConfig({ MAX_QUERY_COST: bad })).toThrow(/MAX_QUERY_COST must be a whole number from 1 to 1000000/);
    }
  });

  it('reads OUTBOX_CONCURRENCY (8 by default, 1 to 256)', () => {
    expect(loadConfig({}).outboxConcurrency).toBe(8);
    expect(loadConfig({ OUTBOX_CONCURRENCY: '32' }).outboxConcurrency).toBe(32);
    for (const bad of ['0', '257', 'many', '-1']) {
      expect(() => loadConfig({ OUTBOX_CONCURRENCY: bad })).toThrow(/OUTBOX_CONCURRENCY must be a whole number from 1 to 256/);
    }
  });

  it('reads the vendor pool: VENDOR_CONNECTIONS (64), VENDOR_PIPELINING (1), VENDOR_KEEP_ALIVE_MS (4000), connecting within VENDOR_TIMEOUT_MS', () => {
    expect(loadConfig({}).vendorTransport).toEqual({ connections: 64, pipelining: 1, keepAliveMs: 4_000, connectTimeoutMs: 10_000 });
    const env = { VENDOR_CONNECTIONS: '8', VENDOR_PIPELINING: '4', VENDOR_KEEP_ALIVE_MS: '30000', VENDOR_TIMEOUT_MS: '2000' };
    expect(loadConfig(env).vendorTransport).toEqual({ connections: 8, pipelining: 4, keepAliveMs: 30_000, connectTimeoutMs: 2_000 });
    for (const [name, bad] of [
      ['VENDOR_CONNECTIONS', '0'],
      ['VENDOR_CONNECTIONS', '1025'],
      ['VENDOR_PIPELINING', '0'],
      ['VENDOR_PIPELINING', 'on'],
      ['VENDOR_KEEP_ALIVE_MS', '99'],
      ['VENDOR_KEEP_ALIVE_MS', '5s'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad })).toThrow(new RegExp(`${name} must be a whole number`));
    }
  });

  it('bounds vendor answers at VENDOR_MAX_BODY_BYTES (1 MiB by default)', () => {
    expect(loadConfig({}).vendorMaxBodyBytes).toBe(1_048_576);
    expect(loadConfig({ VENDOR_MAX_BODY_BYTES: '65536' }).vendorMaxBodyBytes).toBe(65_536);
    for (const bad of ['0', '1mb', '-1', '999999999999']) {
      expect(() => loadConfig({ VENDOR_MAX_BODY_BYTES: bad })).toThrow(/VENDOR_MAX_BODY_BYTES must be a whole number/);
    }
  });

  it('turns introspection and GraphiQL on in sandbox and development, off in production unless asked for', () => {
    const flags = (env: Record<string, string>) => {
      const { introspection, graphiql } = loadConfig(env);
      return { introspection, graphiql };
    };
    const production = { NODE_ENV: 'production', AUTH_DISABLED: 'true' };
    expect(flags({})).toEqual({ introspection: true, graphiql: true });
    expect(flags({ NODE_ENV: 'test', VENDOR_MODE: 'live', AUTH_DISABLED: 'true' })).toEqual({ introspection: true, graphiql: true });
    expect(flags(production)).toEqual({ introspection: false, graphiql: false });
    // Sandbox vendors are simulators: exploring them is the point, even under NODE_ENV=production.
    expect(flags({ NODE_ENV: 'production', VENDOR_MODE: 'sandbox' })).toEqual({ introspection: true, graphiql: true });
    expect(flags({ ...production, INTROSPECTION: 'true' })).toEqual({ introspection: true, graphiql: false });
    expect(flags({ ...production, GRAPHIQL: 'true', INTROSPECTION: 'yes' })).toEqual({ introspection: true, graphiql: true });
    expect(flags({ INTROSPECTION: 'false', GRAPHIQL: '0' })).toEqual({ introspection: false, graphiql: false });
    expect(() => loadConfig({ INTROSPECTION: 'sometimes', GRAPHIQL: 'on' })).toThrow(
      /INTROSPECTION must be true or false[\s\S]*GRAPHIQL must be true or false/,
    );
  });

  it('reads AUTH_MAX_TOKEN_AGE in seconds, a day by default, and refuses nonsense', () => {
    expect(loadConfig({}).auth.maxTokenAgeSec).toBe(86_400);
    expect(loadConfig({ AUTH_MAX_TOKEN_AGE: '3600' }).auth.maxTokenAgeSec).toBe(3_600);
    for (const bad of ['1h', '0', '-60', '99999999']) {
      expect(() => loadConfig({ AUTH_MAX_TOKEN_AGE: bad })).toThrow(/AUTH_MAX_TOKEN_AGE must be a whole number/);
    }
  });

  it('trims trailing slashes from base URLs', () => {
    expect(loadConfig({ FEYIN_BASE_URL: 'http://127.0.0.1:8080/feyin/' }).feyin.baseUrl).toBe('http://127.0.0.1:8080/feyin');
  });

  it('counts APIUSB as configured only with a token, key and secret, or an explicit endpoint', () => {
    const live = { VENDOR_MODE: 'live', AUTH_DISABLED: 'true' };
    expect(configuredVendors(loadConfig(live)).APIUSB).toBe(false);
    expect(configuredVendors(loadConfig({ ...live, APIUSB_ACCESS_TOKEN: 't' })).APIUSB).toBe(true);
    expect(configuredVendors(loadConfig({ ...live, APIUSB_APP_KEY: 'k', APIUSB_APP_SECRET: 's' })).APIUSB).toBe(true);
    expect(configuredVendors(loadConfig({ ...live, APIUSB_BASE_URL: 'http://apiusb.internal/api/app' })).APIUSB).toBe(true);
  });

  it('shows stack traces only with DEBUG_ERRORS, never in production', () => {
    expect(loadConfig({}).debugErrors).toBe(false);
    expect(loadConfig({ DEBUG_ERRORS: 'true' }).debugErrors).toBe(true);
    expect(loadConfig({ DEBUG_ERRORS: 'true', NODE_ENV: 'production', AUTH_DISABLED: 'true' }).debugErrors).toBe(false);
  });
  it("reads BENCH_ABLATE (the bench's layers to leave out) outside production only, and refuses unknown layers", () => {
    expect([...loadConfig({}).benchAblate]).toEqual([]);
    expect([...loadConfig({ BENCH_ABLATE: 'metrics, ky' }).benchAblate]).toEqual(['metrics', 'ky']);
    expect([...loadConfig({ BENCH_ABLATE: BENCH_LAYERS.join(',') }).benchAblate]).toEqual([...BENCH_LAYERS]);
    expect(() => loadConfig({ BENCH_ABLATE: 'metrics,tracing' })).toThrow(/BENCH_ABLATE entries must be among .* \(got "tracing"\)/);
    expect(() => loadConfig({ BENCH_ABLATE: 'metrics', NODE_ENV: 'production', AUTH_DISABLED: 'true' })).toThrow(
      /BENCH_ABLATE is for `npm run bench` only and is refused when NODE_ENV=production/,
    );
    expect(loadConfig({ BENCH_ABLATE: '', NODE_ENV: 'production', AUTH_DISABLED: 'true' }).benchAblate.size).toBe(0);
  });

  it('reads the cache max-ages in seconds (0 = never cached), 5 and 300 by default', () => {
    expect(loadConfig({}).cacheMaxAge).toEqual({ status: 5, final: 300 });
    expect(loadConfig({ CACHE_MAX_AGE_STATUS: '0', CACHE_MAX_AGE_FINAL: '3600' }).cacheMaxAge).toEqual({ status: 0, final: 3600 });
    expect(() => loadConfig({ CACHE_MAX_AGE_STATUS: '5s', CACHE_MAX_AGE_FINAL: '-1' })).toThrow(
      /CACHE_MAX_AGE_STATUS must be a whole number[\s\S]*CACHE_MAX_AGE_FINAL must be a whole number/,
    );
  });

  it('reads CORS_ORIGINS: localhost on any port in sandbox mode, none in live mode, normalised as browsers send Origin', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['http://localhost:*']);
    expect(loadConfig({ VENDOR_MODE: 'live', AUTH_DISABLED: 'true' }).corsOrigins).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true' }).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'HTTPS://App.Example.com:443/, http://127.0.0.1:*, https://app.example.com' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://127.0.0.1:*',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    // Any site its users visit could read an internal deployment's answers.
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true', CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS[^\n]*"\*"/);
    for (const bad of [
      'app.example.com',
      'https://*.example.com',
      'https://app.example.com/path',
      'ftp://files.example',
      'http://a:8080:*',
      'http://u:p@a.com',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS entries must be origins/);
    }
  });

  it('reads SUBSCRIPTION_CALLBACK_ORIGINS: none by default (callback mode off), exact http(s) origins, only with ROUTER_SECRET', () => {
    expect(loadConfig({}).subscriptionCallbackOrigins).toEqual([]);
    const secret = { ROUTER_SECRET: 'router-secret' };
    expect(
      loadConfig({ ...secret, SUBSCRIPTION_CALLBACK_ORIGINS: 'http://router:4000, HTTPS://Router.Example.com:443/, http://router:4000' })
        .subscriptionCallbackOrigins,
    ).toEqual(['http://router:4000', 'https://router.example.com']);
    expect(() => loadConfig({ SUBSCRIPTION_CALLBACK_ORIGINS: 'http://router:4000' })).toThrow(
      /SUBSCRIPTION_CALLBACK_ORIGINS needs ROUTER_SECRET/,
    );
    for (const bad of [
      'router:4000',
      'http://router:*',
      'http://*.example.com',
      'http://router:4000/callback',
      'http://router:4000/?q=1',
      'http://user:pass@router:4000',
      'ftp://router',
      '*',
    ]) {
      expect(() => loadConfig({ ...secret, SUBSCRIPTION_CALLBACK_ORIGINS: bad }), bad).toThrow(
        /SUBSCRIPTION_CALLBACK_ORIGINS entries must be http\(s\) origins/,
      );
    }
  });
});
