import { SignJWT } from 'jose';

export const TEST_JWT_SECRET = 'test-only-hs256-secret-0123456789abcdef';

export interface TokenOptions {
  scope?: string;
  secret?: string;
  /** jose's `setExpirationTime` argument; `null` leaves `exp` out. */
  expiresIn?: string | number | null;
  /** Seconds since the epoch; `null` leaves `iat` out. */
  issuedAt?: number | null;
  notBefore?: string | number;
  issuer?: string;
  audience?: string;
  /** The merchant the token acts for (claim `merchantClaim`, `merchant` by default); none = `default`. */
  merchant?: unknown;
  merchantClaim?: string;
}

/** A caller token signed like an identity provider would, HS256 by default. */
export async function mintToken(options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { scope: options.scope ?? '' };
  if (options.merchant !== undefined) claims[options.merchantClaim ?? 'merchant'] = options.merchant;
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('frontend-user-1');
  if (options.issuedAt !== null) jwt = jwt.setIssuedAt(options.issuedAt);
  if (options.expiresIn !== null) jwt = jwt.setExpirationTime(options.expiresIn ?? '5m');
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

export const ALL_SCOPES = 'vendors:read printing:write pickup:write logistics:write fiscal:write';
