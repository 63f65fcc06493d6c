import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { ServiceError } from '../errors/errors.js';

/** Who is calling, as the verified token says. `null` when caller auth is off. */
export interface Caller {
  subject: string | null;
  scopes: ReadonlySet<string>;
  /** When the token expires (ms since the epoch): a subscription ends then. */
  expiresAt?: number;
  /**
   * The merchant the token acts for (its AUTH_MERCHANT_CLAIM); undefined without the claim
   * (`default`), `''` when the claim is not a string (a merchant no configuration has).
   */
  merchant?: string;
}

export type HeaderLookup = (name: string) => string | undefined;

const CLOCK_TOLERANCE_SEC = 30;

/** What a caller is told when jose refuses the token: the claim at fault, never the token. */
function refusal(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The bearer token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp') {
    return 'The bearer token has no valid expiry (exp claim): tokens must expire';
  }
  return 'The bearer token is not valid';
}

/** Checks `router-authorization` and `Authorization: Bearer <JWT>` before any resolver runs. */
export class CallerAuth {
  private readonly key?: Uint8Array | JWTVerifyGetKey;
  private readonly routerSecret?: Buffer;

  private readonly now: () => number;

  constructor(
    private readonly config: AuthConfig,
    options: { jwksCooldownMs?: number; now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    if (config.jwtSecret) this.key = new TextEncoder().encode(config.jwtSecret);
    // jose caches the key set and refetches it when a token names an unknown kid.
    else if (config.jwksUrl) this.key = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: options.jwksCooldownMs ?? 30_000 });
    if (config.routerSecret) this.routerSecret = Buffer.from(config.routerSecret);
  }

  /** True when callers must present a token (scopes are then enforced). */
  get enforcing(): boolean {
    return this.key !== undefined;
  }

  /** True when ROUTER_SECRET is set: every request has proved `router-authorization`. */
  get checksRouter(): boolean {
    return this.routerSecret !== undefined;
  }

  /** Throws UNAUTHENTICATED (HTTP 401); never echoes the token or the reason's details. */
  async authenticate(header: HeaderLookup): Promise<Caller | null> {
    if (this.routerSecret && !sameSecret(this.routerSecret, header('router-authorization'))) {
      throw unauthenticated('Missing or wrong router-authorization header');
    }
    if (!this.key) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header('authorization') ?? '');
    if (!match) throw unauthenticated('Missing bearer token: send Authorization: Bearer <JWT>');
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: CLOCK_TOLERANCE_SEC,
        requiredClaims: ['exp'],
        currentDate: new Date(this.now()),
      };
      payload =
        this.key instanceof Uint8Array
          ? (await jwtVerify(match[1], this.key, { ...options, algorithms: ['HS256'] })).payload
          : (await jwtVerify(match[1], this.key, options)).payload;
    } catch (error) {
      throw unauthenticated(refusal(error));
    }
    this.checkLifetime(payload);
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const caller: Caller = {
      subject: payload.sub ?? null,
      scopes: new Set(scope.split(/\s+/).filter(Boolean)),
      expiresAt: payload.exp! * 1000,
    };
    const claim = payload[this.config.merchantClaim ?? 'merchant'];
    if (claim !== undefined) caller.merchant = typeof claim === 'string' ? claim : '';
    return caller;
  }

  /**
   * A stolen token is useful until it expires, so none may live longer than AUTH_MAX_TOKEN_AGE.
   * Lifetime = exp − iat; exp − now when iat is absent or in the future (iat is the issuer's
   * claim, and a future one must not shorten the count). Skew is tolerated as for exp and nbf.
   */
  private checkLifetime(payload: JWTPayload): void {
    const now = Math.floor(this.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
    const max = this.config.maxTokenAgeSec;
    if (payload.exp! - issuedAt > max + CLOCK_TOLERANCE_SEC) {
      throw unauthenticated(`The bearer token lives longer than the ${max} s this service accepts (AUTH_MAX_TOKEN_AGE)`);
    }
  }
}

function sameSecret(expected: Buffer, given: string | undefined): boolean {
  const candidate = Buffer.from(given ?? '');
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time.
  return candidate.length === expected.length ? timingSafeEqual(candidate, expected) : (timingSafeEqual(expected, expected), false);
}

function unauthenticated(message: string): ServiceError {
  return new ServiceError('UNAUTHENTICATED', message);
}

/** The scope each operation needs (DESIGN.md). */
export const SCOPES = {
  read: 'vendors:read',
  printing: 'printing:write',
  pickup: 'pickup:write',
  logistics: 'logistics:write',
  fiscal: 'fiscal:write',
} as const;

/**
 * Throws FORBIDDEN unless the caller has `scope`; open when caller auth is off (caller `null`).
 * `scope` undefined means nobody declared one: refused to every caller (fail closed).
 */
export function requireScope(caller: Caller | null | undefined, scope: string | undefined, what = 'This operation'): void {
  if (caller === null || caller === undefined) return;
  if (scope === undefined) throw new ServiceError('FORBIDDEN', `${what} has no declared scope, so no caller may use it`);
  if (!caller.scopes.has(scope)) throw new ServiceError('FORBIDDEN', `${what} needs the "${scope}" scope`);
}
