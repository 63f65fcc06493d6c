import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { ServiceError } from '../errors.js';

/** Who is calling, as the verified token says. `null` when caller auth is off. */
export interface Caller {
  subject: string | null;
  scopes: ReadonlySet<string>;
}

export type HeaderLookup = (name: string) => string | undefined;

const CLOCK_TOLERANCE_SEC = 30;

/** Checks `router-authorization` and `Authorization: Bearer <JWT>` before any resolver runs. */
export class CallerAuth {
  private readonly key?: Uint8Array | JWTVerifyGetKey;
  private readonly routerSecret?: Buffer;

  constructor(private readonly config: AuthConfig, options: { jwksCooldownMs?: number } = {}) {
    if (config.jwtSecret) this.key = new TextEncoder().encode(config.jwtSecret);
    // jose caches the key set and refetches it when a token names an unknown kid.
    else if (config.jwksUrl) this.key = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: options.jwksCooldownMs ?? 30_000 });
    if (config.routerSecret) this.routerSecret = Buffer.from(config.routerSecret);
  }

  /** True when callers must present a token (scopes are then enforced). */
  get enforcing(): boolean {
    return this.key !== undefined;
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
      const options = { issuer: this.config.issuer, audience: this.config.audience, clockTolerance: CLOCK_TOLERANCE_SEC };
      payload =
        this.key instanceof Uint8Array
          ? (await jwtVerify(match[1], this.key, { ...options, algorithms: ['HS256'] })).payload
          : (await jwtVerify(match[1], this.key, options)).payload;
    } catch (error) {
      throw unauthenticated(error instanceof joseErrors.JWTExpired ? 'The bearer token has expired' : 'The bearer token is not valid');
    }
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return { subject: payload.sub ?? null, scopes: new Set(scope.split(/\s+/).filter(Boolean)) };
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
