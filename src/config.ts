import { existsSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

import type { ApiusbConfig, FeyinConfig, LifepayAccount, PickupConfig } from './merchants/accounts.js';
import type { Merchant } from './merchants/merchant.js';
import { readMerchantsFile, type MerchantsSource } from './merchants/merchants-file.js';
import type { VendorTransportOptions } from './vendor-http/vendor-transport.js';

export type VendorMode = 'sandbox' | 'live';

export interface LifepayConfig extends LifepayAccount {
  retryScheduleSec: number[];
  retryMaxAgeSec: number;
  /** How often the outbox worker looks for due documents. */
  workerPollMs: number;
}

export interface AuthConfig {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  routerSecret?: string;
  disabled: boolean;
  /** Seconds: tokens must carry `exp`, at most this far from `iat` (or from now without one). */
  maxTokenAgeSec: number;
  /** The claim naming the merchant a request acts for (AUTH_MERCHANT_CLAIM, `merchant` when unset); without it, `default`. */
  merchantClaim?: string;
  maxQueryDepth: number;
  maxQueryCost: number;
}

export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  host: string;
  logLevel: string;
  vendorMode: VendorMode;
  vendorTimeoutMs: number;
  /** A larger vendor answer is VENDOR_UNAVAILABLE. */
  vendorMaxBodyBytes: number;
  /** Each vendor's keep-alive pool (VENDOR_CONNECTIONS, VENDOR_PIPELINING, VENDOR_KEEP_ALIVE_MS; connecting within VENDOR_TIMEOUT_MS). */
  vendorTransport: VendorTransportOptions;
  /** Vendor calls one request's entity batch may have in flight per vendor. */
  vendorConcurrency: number;
  /** Outbox deliveries this process may have in flight at once. */
  outboxConcurrency: number;
  /** Vendor calls one merchant may have in flight per vendor (MERCHANT_VENDOR_CONCURRENCY); the rest queue within their deadline. */
  merchantVendorConcurrency: number;
  /** The merchants of MERCHANTS_FILE (besides `default`), and how to read the file again on reload. */
  merchants: MerchantsSource;
  publicUrl?: string;
  /** Signs vendor callback URLs; when unset one is generated and kept in the store. */
  callbackSecret?: string;
  /** Seconds: a signed vendor callback whose own time is further from now is refused (CALLBACK_MAX_AGE). */
  callbackMaxAgeSec: number;
  /** Open subscriptions this process serves at once, all transports (SUBSCRIPTIONS_MAX). */
  subscriptionsMax: number;
  /**
   * The router's HTTP callback protocol (SUBSCRIPTION_CALLBACK_ORIGINS): the origins a callback URL
   * may have, exactly; empty = callback mode off. Needs ROUTER_SECRET.
   */
  subscriptionCallbackOrigins: string[];
  /**
   * The router callbacks' retry waits and heartbeat floor (src/server/callback-line.ts's
   * CallbackPacing): production's unless a test shortens them (no variable sets it).
   */
  subscriptionCallbackPacing?: { retryDelaysMs?: readonly number[]; minHeartbeatMs?: number };
  /** graphql-ws: a socket that sends no `connection_init` in this time is closed with 4408 (WS_INIT_TIMEOUT_MS). */
  wsInitTimeoutMs: number;
  /** graphql-ws ping interval; a socket that has not answered (pong) by the next ping is dropped (WS_KEEPALIVE_MS). */
  wsKeepAliveMs: number;
  /** Open WebSockets per process (WS_CONNECTIONS_MAX), sized to the heap when unset; a quarter of them may be uninitialised. */
  wsConnectionsMax: number;
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL connections per process (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** Seconds the entity state (cancelled orders, known pickup codes) is kept (ENTITY_STATE_MAX_AGE). */
  entityStateMaxAgeSec: number;
  /** Stack traces and internal messages in error responses (never in production). */
  debugErrors: boolean;
  /** After SIGTERM, how long `/ready` answers 503 while the listener still accepts (SHUTDOWN_DRAIN_MS): the load balancer's time to stop sending. */
  shutdownDrainMs: number;
  /** Whole-request and header deadlines of the HTTP server, against slow-sending callers. */
  httpRequestTimeoutMs: number;
  httpHeadersTimeoutMs: number;
  feyin: FeyinConfig;
  /**
   * Seconds between two reads of every watched Feyin message and printer by the replica holding
   * the poll lease (FEYIN_POLL_INTERVAL), for deployments Feyin cannot call back; 0 = off.
   */
  feyinPollIntervalSec: number;
  pickup: PickupConfig;
  apiusb: ApiusbConfig;
  lifepay: LifepayConfig;
  auth: AuthConfig;
  /** Schema introspection (`__schema`, `__type`); off in production unless asked for, as Apollo does. */
  introspection: boolean;
  /** The GraphiQL page at `GET /graphql` and its assets; same defaulting as introspection. */
  graphiql: boolean;
  /** Seconds the router may cache a read: live status (CACHE_MAX_AGE_STATUS), and what can no longer change (CACHE_MAX_AGE_FINAL). */
  cacheMaxAge: { status: number; final: number };
  /** Browser origins allowed to call `/graphql` (CORS_ORIGINS): exact, `scheme://host:*` (any port), or `*`. */
  corsOrigins: string[];
  /**
   * For `npm run bench` only; never in production (refused when NODE_ENV=production): the
   * request-path layers BENCH_ABLATE leaves out, so the bench can price each one. Empty otherwise.
   */
  benchAblate: ReadonlySet<BenchLayer>;
}

/**
 * The layers the bench's ablation mode switches off one at a time (BENCH_ABLATE=<layer>[,<layer>]):
 * - `metrics`: no per-request metric is recorded (the registry and /metrics stay as they are);
 * - `operation-log`: no operation log plugin (its log line and the graphql_operations_* samples);
 * - `limits`: no depth and cost validation rules;
 * - `cache-policy`: no cache-control plugin (every answer stays `no-store`);
 * - `merchants`: one fixed merchant (`default`) for every request, no shares;
 * - `loaders`: each domain's request context (its loaders, its client lookup) made once and reused;
 * - `ky`: vendor calls with `undici.request` on the same pool instead of ky (src/vendor-http/bench-direct.ts).
 * Each is wrong in production in its own way; that is why the variable is refused there.
 */
export const BENCH_LAYERS = ['metrics', 'operation-log', 'limits', 'cache-policy', 'merchants', 'loaders', 'ky'] as const;
export type BenchLayer = (typeof BENCH_LAYERS)[number];

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The service cannot start for a reason outside the configuration's syntax (a DATA_DIR that is
 * a file, a corrupt database, a port in use): one line naming the variable, file or port and
 * the cause, never a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` when present; variables already set in the environment win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, fallback?: string, protocols = ['http:', 'https:'], allowCredentials = false): string | undefined => {
    const raw = read(name) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      if (!allowCredentials && (parsed.search || parsed.username || parsed.password)) throw new Error('extras');
      return raw.replace(/\/+$/, '');
    } catch {
      // The value may hold credentials: name the variable, never echo it.
      problems.push(
        allowCredentials
          ? `${name} must be a ${protocols.join(' or ')} URL`
          : `${name} must be a ${protocols.join(' or ')} URL without credentials or query string`,
      );
      return fallback;
    }
  };
  const bool = (name: string, fallback = false): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const nodeEnv = read('NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';

  const modeRaw = read('VENDOR_MODE') ?? (production ? 'live' : 'sandbox');
  let vendorMode: VendorMode = production ? 'live' : 'sandbox';
  if (modeRaw === 'sandbox' || modeRaw === 'live') vendorMode = modeRaw;
  else problems.push(`VENDOR_MODE must be "sandbox" or "live" (got "${modeRaw}")`);

  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  // Tools for people exploring the API: on wherever the vendors are simulators or it is not production.
  const exploring = vendorMode === 'sandbox' || !production;

  const lifepayLogin = read('LIFEPAY_LOGIN');
  if (lifepayLogin !== undefined && !/^7\d{10}$/.test(lifepayLogin)) {
    problems.push('LIFEPAY_LOGIN must be 11 digits starting with 7');
  }

  const scheduleRaw = read('LIFEPAY_RETRY_SCHEDULE') ?? '60,180,300,600';
  const retryScheduleSec = scheduleRaw.split(',').map((s) => Number(s.trim()));
  if (retryScheduleSec.length === 0 || retryScheduleSec.some((n) => !Number.isFinite(n) || n <= 0 || n > 86_400)) {
    problems.push(`LIFEPAY_RETRY_SCHEDULE must be a comma-separated list of positive seconds (got "${scheduleRaw}")`);
  }

  const apiusbAppKey = read('APIUSB_APP_KEY');
  const apiusbAppSecret = read('APIUSB_APP_SECRET');
  if ((apiusbAppKey === undefined) !== (apiusbAppSecret === undefined)) {
    problems.push('APIUSB_APP_KEY and APIUSB_APP_SECRET must be set together');
  }

  const jwtSecret = read('AUTH_JWT_SECRET');
  const jwksUrl = url('AUTH_JWKS_URL');
  if (jwtSecret !== undefined && jwksUrl !== undefined) {
    problems.push('AUTH_JWT_SECRET and AUTH_JWKS_URL are exclusive: set one');
  }
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    problems.push('AUTH_JWT_SECRET must be at least 32 characters');
  }

  const callbackSecret = read('CALLBACK_SECRET');
  if (callbackSecret !== undefined && callbackSecret.length < 32) {
    problems.push('CALLBACK_SECRET must be at least 32 characters');
  }

  const corsOrigins = originPatterns(
    read('CORS_ORIGINS') ?? (vendorMode === 'sandbox' ? 'http://localhost:*' : 'none'),
    production,
    problems,
  );

  const vendorTimeoutMs = int('VENDOR_TIMEOUT_MS', 10_000, 50, 300_000);
  const feyinBaseUrl = url('FEYIN_BASE_URL', 'https://api.open.feyin.net')!;
  const apiusbBaseUrl = url('APIUSB_BASE_URL', 'https://api.apiusb.com/api/app')!;
  const lifepayBaseUrl = url('LIFEPAY_BASE_URL', 'https://sapi.life-pay.ru')!;
  const merchantsFile = read('MERCHANTS_FILE');
  const merchantsSource = { variable: read, defaults: { feyinBaseUrl, apiusbBaseUrl, lifepayBaseUrl } };
  let merchantList: Merchant[] = [];
  if (merchantsFile !== undefined) {
    const { merchants, problems: fileProblems } = readMerchantsFile({ ...merchantsSource, file: merchantsFile });
    problems.push(...fileProblems);
    merchantList = merchants;
  }
  const merchantClaim = read('AUTH_MERCHANT_CLAIM') ?? 'merchant';
  if (!/^[A-Za-z0-9_.:/-]{1,64}$/.test(merchantClaim) || REGISTERED_CLAIMS.has(merchantClaim)) {
    problems.push(
      `AUTH_MERCHANT_CLAIM must name a claim of its own (1 to 64 of A-Z a-z 0-9 _ . : / -, not ${[...REGISTERED_CLAIMS].join(', ')})`,
    );
  }
  const config: Config = {
    nodeEnv,
    production,
    port: int('PORT', 4001, 0, 65_535),
    host: read('HOST') ?? '0.0.0.0',
    logLevel,
    vendorMode,
    vendorTimeoutMs,
    vendorMaxBodyBytes: int('VENDOR_MAX_BODY_BYTES', 1_048_576, 1024, 268_435_456),
    vendorTransport: {
      connections: int('VENDOR_CONNECTIONS', 64, 1, 1024),
      pipelining: int('VENDOR_PIPELINING', 1, 1, 64),
      keepAliveMs: int('VENDOR_KEEP_ALIVE_MS', 4_000, 100, 600_000),
      connectTimeoutMs: vendorTimeoutMs,
    },
    vendorConcurrency: int('VENDOR_CONCURRENCY', 8, 1, 256),
    outboxConcurrency: int('OUTBOX_CONCURRENCY', 8, 1, 256),
    merchantVendorConcurrency: int('MERCHANT_VENDOR_CONCURRENCY', 16, 1, 1024),
    merchants: { ...merchantsSource, file: merchantsFile, list: merchantList },
    publicUrl: url('PUBLIC_URL'),
    callbackSecret,
    callbackMaxAgeSec: int('CALLBACK_MAX_AGE', 300, 10, 86_400),
    subscriptionsMax: int('SUBSCRIPTIONS_MAX', 10_000, 1, 1_000_000),
    subscriptionCallbackOrigins: callbackOrigins(read('SUBSCRIPTION_CALLBACK_ORIGINS'), problems),
    wsInitTimeoutMs: int('WS_INIT_TIMEOUT_MS', 10_000, 100, 60_000),
    wsKeepAliveMs: int('WS_KEEPALIVE_MS', 12_000, 100, 300_000),
    wsConnectionsMax: int('WS_CONNECTIONS_MAX', heapSizedConnections(), 1, 1_000_000),
    dataDir: read('DATA_DIR') ?? './data',
    databaseUrl: url('DATABASE_URL', undefined, ['postgres:', 'postgresql:'], true),
    databasePoolSize: int('DATABASE_POOL_SIZE', 10, 1, 200),
    // 30 days by default; at least a minute, at most ten years.
    entityStateMaxAgeSec: int('ENTITY_STATE_MAX_AGE', 30 * 86_400, 60, 3650 * 86_400),
    debugErrors: bool('DEBUG_ERRORS') && !production,
    // Inside the 10 s a stop may take: the drain, then up to the rest for requests in flight.
    shutdownDrainMs: int('SHUTDOWN_DRAIN_MS', 3_000, 0, 8_000),
    httpRequestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    httpHeadersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 1_000, 600_000),
    feyin: {
      baseUrl: feyinBaseUrl,
      memberCode: read('FEYIN_MEMBER_CODE'),
      apiKey: read('FEYIN_API_KEY'),
      appId: read('FEYIN_APP_ID'),
      callbackKey: read('FEYIN_CALLBACK_KEY') ?? read('FEYIN_API_KEY'),
    },
    // 0 (off) by default: Feyin's callbacks bring every change; polling is for deployments it cannot reach.
    feyinPollIntervalSec: int('FEYIN_POLL_INTERVAL', 0, 0, 3_600),
    pickup: {
      baseUrl: url('PICKUP_BASE_URL'),
      appId: read('PICKUP_APP_ID'),
      appSecret: read('PICKUP_APP_SECRET'),
      signKey: read('PICKUP_SIGN_KEY'),
    },
    apiusb: {
      baseUrl: apiusbBaseUrl,
      baseUrlSet: read('APIUSB_BASE_URL') !== undefined,
      accessToken: read('APIUSB_ACCESS_TOKEN'),
      appKey: apiusbAppKey,
      appSecret: apiusbAppSecret,
    },
    lifepay: {
      baseUrl: lifepayBaseUrl,
      apiKey: read('LIFEPAY_API_KEY'),
      login: lifepayLogin,
      retryScheduleSec,
      retryMaxAgeSec: int('LIFEPAY_RETRY_MAX_AGE', 86_400, 1, 30 * 86_400),
      workerPollMs: int('LIFEPAY_WORKER_POLL_MS', 5_000, 10, 600_000),
    },
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: read('AUTH_ISSUER'),
      audience: read('AUTH_AUDIENCE'),
      routerSecret: read('ROUTER_SECRET'),
      disabled: bool('AUTH_DISABLED'),
      maxTokenAgeSec: int('AUTH_MAX_TOKEN_AGE', 86_400, 60, 30 * 86_400),
      merchantClaim,
      maxQueryDepth: int('MAX_QUERY_DEPTH', 10, 2, 50),
      maxQueryCost: int('MAX_QUERY_COST', 500, 1, 1_000_000),
    },
    introspection: bool('INTROSPECTION', exploring),
    graphiql: bool('GRAPHIQL', exploring),
    cacheMaxAge: { status: int('CACHE_MAX_AGE_STATUS', 5, 0, 3_600), final: int('CACHE_MAX_AGE_FINAL', 300, 0, 86_400) },
    corsOrigins,
    benchAblate: benchLayers(read('BENCH_ABLATE'), production, problems),
  };

  const { auth } = config;
  if (config.vendorMode === 'live' && !auth.jwtSecret && !auth.jwksUrl && !auth.disabled) {
    problems.push(
      'live mode needs caller authentication: set AUTH_JWT_SECRET or AUTH_JWKS_URL ' +
        '(or AUTH_DISABLED=true to run without it, e.g. behind a router that authenticates)',
    );
  }
  if (config.subscriptionCallbackOrigins.length > 0 && !auth.routerSecret) {
    problems.push('SUBSCRIPTION_CALLBACK_ORIGINS needs ROUTER_SECRET: only the router, proving it, may have this service call a URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * What one open, idle connection costs the heap, rounded up: measured with the start command's
 * flags, a WebSocket that sent nothing or only `connection_init` took 6.5 to 7.5 KB, a plain HTTP
 * connection 3 to 4 KB (README, Live updates).
 */
export const CONNECTION_HEAP_BYTES = 8 * 1024;
/** The share of V8's heap limit the WebSockets may take, and the plain HTTP connections as much again; the rest is the service's. */
const CONNECTIONS_HEAP_SHARE = 0.25;

/**
 * WS_CONNECTIONS_MAX's default, and the plain HTTP connections' room beside it: a quarter of
 * V8's heap limit (`--max-old-space-size` plus the young generation) over 8 KB, in hundreds.
 * The start command's 128 + 3 × 16 MB heap gives 5600.
 */
export function heapSizedConnections(heapLimitBytes = getHeapStatistics().heap_size_limit): number {
  return heapRoom(heapLimitBytes, CONNECTIONS_HEAP_SHARE, CONNECTION_HEAP_BYTES);
}

/** How many things of `bytesEach` fit in `share` of `heapBytes`: in hundreds, at least 100 (the defaults sized to the heap). */
export function heapRoom(heapBytes: number, share: number, bytesEach: number): number {
  return Math.max(100, Math.floor((heapBytes * share) / bytesEach / 100) * 100);
}

/** BENCH_ABLATE → the layers it names; refused in production, whatever it names. */
function benchLayers(raw: string | undefined, production: boolean, problems: string[]): ReadonlySet<BenchLayer> {
  if (raw === undefined) return new Set();
  if (production) {
    problems.push('BENCH_ABLATE is for `npm run bench` only and is refused when NODE_ENV=production');
    return new Set();
  }
  const layers = new Set<BenchLayer>();
  for (const entry of raw.split(',').map((s) => s.trim())) {
    if ((BENCH_LAYERS as readonly string[]).includes(entry)) layers.add(entry as BenchLayer);
    else problems.push(`BENCH_ABLATE entries must be among ${BENCH_LAYERS.join(', ')} (got "${entry}")`);
  }
  return layers;
}

/**
 * SUBSCRIPTION_CALLBACK_ORIGINS → exact origins (`http://router:4000`): http or https, no path,
 * query, fragment, credentials or wildcard. This service POSTs to URLs under them only.
 */
function callbackOrigins(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw === 'none') return [];
  const origins: string[] = [];
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const pattern = entry.includes('*') ? undefined : originPattern(entry);
    if (pattern) origins.push(pattern);
    else
      problems.push(
        `SUBSCRIPTION_CALLBACK_ORIGINS entries must be http(s) origins such as http://router:4000, without path or credentials (got "${entry}")`,
      );
  }
  return [...new Set(origins)];
}

/**
 * CORS_ORIGINS → normalised patterns (lower case, default port dropped, as browsers send `Origin`):
 * `https://app.example.com`, `http://localhost:*` (any port), `*` (any origin), or `none`.
 */
function originPatterns(raw: string, production: boolean, problems: string[]): string[] {
  if (raw === 'none') return [];
  const patterns: string[] = [];
  for (const entry of raw.split(',').map((s) => s.trim())) {
    if (entry === '*') {
      // An internal service would be readable from any site its users' browsers visit.
      if (production) problems.push('CORS_ORIGINS must list the frontends\' origins in production, not "*"');
      patterns.push('*');
      continue;
    }
    const pattern = originPattern(entry);
    if (pattern) patterns.push(pattern);
    else problems.push(`CORS_ORIGINS entries must be origins such as https://app.example.com or http://localhost:* (got "${entry}")`);
  }
  return [...new Set(patterns)];
}

function originPattern(entry: string): string | undefined {
  const anyPort = entry.endsWith(':*');
  const base = anyPort ? entry.slice(0, -2) : entry;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!['http:', 'https:'].includes(url.protocol) || !bare || url.hostname.includes('*') || (anyPort && url.port)) return undefined;
  return anyPort ? `${url.origin}:*` : url.origin;
}

/** JWT claims with a meaning of their own: never the merchant's. */
const REGISTERED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'scope']);
