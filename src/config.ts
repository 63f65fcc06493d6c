import { existsSync } from 'node:fs';

export type VendorMode = 'sandbox' | 'live';
export type Vendor = 'FEYIN' | 'PICKUP' | 'APIUSB' | 'LIFEPAY';

export interface FeyinConfig {
  baseUrl: string;
  memberCode?: string;
  apiKey?: string;
  appId?: string;
}

export interface PickupConfig {
  baseUrl?: string;
  appId?: string;
  appSecret?: string;
  signKey?: string;
}

export interface ApiusbConfig {
  baseUrl: string;
  accessToken?: string;
  appKey?: string;
  appSecret?: string;
}

export interface LifepayConfig {
  baseUrl: string;
  apiKey?: string;
  login?: string;
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
  /** Vendor calls one request's entity batch may have in flight per vendor. */
  vendorConcurrency: number;
  publicUrl?: string;
  /** Signs vendor callback URLs; when unset one is generated and kept in the store. */
  callbackSecret?: string;
  dataDir: string;
  databaseUrl?: string;
  feyin: FeyinConfig;
  pickup: PickupConfig;
  apiusb: ApiusbConfig;
  lifepay: LifepayConfig;
  auth: AuthConfig;
}

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
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
        allowCredentials ? `${name} must be a ${protocols.join(' or ')} URL` : `${name} must be a ${protocols.join(' or ')} URL without credentials or query string`,
      );
      return fallback;
    }
  };
  const bool = (name: string): boolean => {
    const raw = read(name);
    if (raw === undefined) return false;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return false;
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

  const config: Config = {
    nodeEnv,
    production,
    port: int('PORT', 4001, 0, 65_535),
    host: read('HOST') ?? '0.0.0.0',
    logLevel,
    vendorMode,
    vendorTimeoutMs: int('VENDOR_TIMEOUT_MS', 10_000, 50, 300_000),
    vendorConcurrency: int('VENDOR_CONCURRENCY', 8, 1, 256),
    publicUrl: url('PUBLIC_URL'),
    callbackSecret,
    dataDir: read('DATA_DIR') ?? './data',
    databaseUrl: url('DATABASE_URL', undefined, ['postgres:', 'postgresql:'], true),
    feyin: {
      baseUrl: url('FEYIN_BASE_URL', 'https://api.open.feyin.net')!,
      memberCode: read('FEYIN_MEMBER_CODE'),
      apiKey: read('FEYIN_API_KEY'),
      appId: read('FEYIN_APP_ID'),
    },
    pickup: {
      baseUrl: url('PICKUP_BASE_URL'),
      appId: read('PICKUP_APP_ID'),
      appSecret: read('PICKUP_APP_SECRET'),
      signKey: read('PICKUP_SIGN_KEY'),
    },
    apiusb: {
      baseUrl: url('APIUSB_BASE_URL', 'https://api.apiusb.com/api/app')!,
      accessToken: read('APIUSB_ACCESS_TOKEN'),
      appKey: apiusbAppKey,
      appSecret: apiusbAppSecret,
    },
    lifepay: {
      baseUrl: url('LIFEPAY_BASE_URL', 'https://sapi.life-pay.ru')!,
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
      maxQueryDepth: int('MAX_QUERY_DEPTH', 10, 2, 50),
      maxQueryCost: int('MAX_QUERY_COST', 50, 1, 10_000),
    },
  };

  const { auth } = config;
  if (config.vendorMode === 'live' && !auth.jwtSecret && !auth.jwksUrl && !auth.disabled) {
    problems.push(
      'live mode needs caller authentication: set AUTH_JWT_SECRET or AUTH_JWKS_URL (or AUTH_DISABLED=true to run without it, e.g. behind a router that authenticates)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Which vendors have the credentials live mode needs. */
export function configuredVendors(config: Config): Record<Vendor, boolean> {
  const { feyin, pickup, lifepay } = config;
  return {
    FEYIN: Boolean(feyin.memberCode && feyin.apiKey),
    PICKUP: Boolean(pickup.baseUrl && pickup.appId && pickup.appSecret && pickup.signKey),
    // APIUSB works without a token when the vendor has signature checking off.
    APIUSB: true,
    LIFEPAY: Boolean(lifepay.apiKey),
  };
}
