// Mints a development caller token: HS256 signed with AUTH_JWT_SECRET, as src/auth/caller-auth.ts
// verifies it (exp within AUTH_MAX_TOKEN_AGE, iss/aud when AUTH_ISSUER/AUTH_AUDIENCE are set,
// scopes in `scope`, the merchant in the AUTH_MERCHANT_CLAIM claim). Refuses in production.
//
//   npm run -s token -- --merchant shop-17 --scope "vendors:read printing:write"
//
// The token alone goes to stdout (so `$(npm run -s token -- …)` works), one summary line to
// stderr; a refusal is one line on stderr and exit code 1. The secret is never printed.
// A merchant this service would not serve (read as the service reads it: MERCHANTS_FILE, vendor
// mode) gets a warning line first, and its token all the same: it may be for another deployment.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

/** The scopes DESIGN.md defines; `--scope all` means all of them. */
const SCOPES = ['vendors:read', 'printing:write', 'pickup:write', 'logistics:write', 'fiscal:write'];
const MERCHANT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** How many known merchants a warning names before it counts the rest. */
const KNOWN_LISTED = 20;
/** Claims this script sets itself: the merchant claim may not be one of them. */
const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'scope'];

const USAGE = `Usage: npm run -s token -- [options]

Mints a development JWT signed with AUTH_JWT_SECRET (read from the environment or .env).
The token is printed alone on stdout; a summary goes to stderr. Refused when NODE_ENV=production.

Options:
  --merchant <id>     the merchant the token acts for, in the claim named by AUTH_MERCHANT_CLAIM
                      (default "merchant"); 1-64 of A-Za-z0-9_.- ; omitted: no claim, the default merchant.
                      A merchant this service does not serve (default, shop-2 in sandbox mode,
                      MERCHANTS_FILE's) is warned about on stderr, and minted all the same
  --scope "<scopes>"  space-separated, from: ${SCOPES.join(' ')}; or "all" (default: vendors:read)
  --subject <sub>     the sub claim (default: dev)
  --ttl <seconds>     lifetime, at most AUTH_MAX_TOKEN_AGE (default: 3600)
  --help, -h          this text

In GraphiQL (GET /graphql), paste into the Headers tab: {"Authorization": "Bearer <token>"}
`;

class Refusal extends Error {}

/** An environment variable as src/config.ts reads it: trimmed, empty = unset. */
function setting(name) {
  const value = process.env[name]?.trim();
  return value === '' ? undefined : value;
}

function options(argv) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        merchant: { type: 'string' },
        scope: { type: 'string' },
        subject: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    const given = /'([^']*)'/.exec(error?.message ?? '')?.[1] ?? '';
    const known = 'use --merchant, --scope, --subject, --ttl or --help';
    if (error?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Refusal(`unknown option ${JSON.stringify(given)}: ${known}`);
    if (error?.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new Refusal(`unexpected argument ${JSON.stringify(given)}: ${known}`);
    if (error?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--[a-z]+/.exec(error.message)?.[0] ?? 'an option';
      throw new Refusal(name === '--help' ? '--help takes no value' : `${name} needs a value (see --help)`);
    }
    throw error;
  }
}

function wholeSeconds(raw, what) {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Refusal(`${what} must be a whole number of seconds, at least 1 (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

function scopes(raw) {
  const words = raw.split(/\s+/).filter(Boolean);
  if (words.includes('all')) return SCOPES;
  const unknown = words.filter((word) => !SCOPES.includes(word));
  if (unknown.length > 0) {
    throw new Refusal(
      `unknown scope ${unknown.map((word) => JSON.stringify(word)).join(', ')}: the scopes are ${SCOPES.join(', ')} (or "all")`,
    );
  }
  return [...new Set(words)];
}

/** The signing key: refused in production, without a secret or with a short one. */
function secret() {
  if (setting('NODE_ENV') === 'production') {
    throw new Refusal('NODE_ENV=production: development tokens are not minted for production; tokens come from your identity provider');
  }
  const jwtSecret = setting('AUTH_JWT_SECRET');
  const jwksUrl = setting('AUTH_JWKS_URL');
  if (jwksUrl !== undefined && jwtSecret !== undefined) {
    throw new Refusal('AUTH_JWT_SECRET and AUTH_JWKS_URL are both set (the service refuses that): set one');
  }
  if (jwksUrl !== undefined) {
    throw new Refusal(
      'AUTH_JWKS_URL is set: the service accepts tokens from your identity provider, so get one there (this script signs with AUTH_JWT_SECRET)',
    );
  }
  if (jwtSecret === undefined) {
    throw new Refusal('AUTH_JWT_SECRET is not set (environment or .env): the service must use the same secret to accept the token');
  }
  if (jwtSecret.length < 32) throw new Refusal('AUTH_JWT_SECRET must be at least 32 characters (the service refuses a shorter one)');
  return new TextEncoder().encode(jwtSecret);
}

/**
 * The merchants the service would serve with this environment, by the service's own code
 * (src/config.ts reads MERCHANTS_FILE and its `${NAME}`s, and the vendor mode): `default`, the
 * sandbox's built-in merchant in sandbox mode, and the file's. Or why it cannot tell.
 */
async function servedMerchants() {
  let config;
  let sandboxMerchant;
  try {
    // The service's TypeScript, loaded as `npm run dev` loads it (tsx, a development dependency).
    const { tsImport } = await import('tsx/esm/api');
    const { loadConfig, ConfigError } = await tsImport('../src/config.ts', import.meta.url);
    ({ SANDBOX_SECOND_MERCHANT: sandboxMerchant } = await tsImport('../src/sandbox/sandbox-merchants.ts', import.meta.url));
    try {
      config = loadConfig(process.env);
    } catch (error) {
      // Its problems name variables and files, never a value.
      if (error instanceof ConfigError)
        return { unknown: `the service would not start with this configuration (${error.problems.join('; ')})` };
      throw error;
    }
  } catch (error) {
    return { unknown: `the service's configuration could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const fromFile = config.merchants.list.map((merchant) => merchant.id);
  const builtIn = config.vendorMode === 'sandbox' ? [sandboxMerchant] : [];
  return { ids: [...new Set(['default', ...builtIn, ...fromFile])] };
}

/** One warning line when the service would refuse the merchant's token (403), or cannot be asked; none when it serves it. */
async function merchantWarning(merchant) {
  const served = await servedMerchants();
  if (served.unknown) return `cannot tell whether merchant "${merchant}" is configured: ${served.unknown}; minted anyway`;
  if (served.ids.includes(merchant)) return undefined;
  const listed = served.ids.slice(0, KNOWN_LISTED).join(', ');
  const more = served.ids.length > KNOWN_LISTED ? ` and ${served.ids.length - KNOWN_LISTED} more` : '';
  return (
    `merchant "${merchant}" is not configured here (known: ${listed}${more}): ` +
    'this service answers its token 403 FORBIDDEN; minted anyway, for a deployment that serves it'
  );
}

async function main(argv) {
  const given = options(argv);
  if (given.help) {
    process.stdout.write(USAGE);
    return;
  }
  // As src/config.ts's loadDotEnv: .env from the working directory, the environment wins.
  if (existsSync('.env')) {
    try {
      process.loadEnvFile('.env');
    } catch (error) {
      throw new Refusal(`.env could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const key = secret();

  const maxAgeRaw = setting('AUTH_MAX_TOKEN_AGE');
  const maxAge = maxAgeRaw === undefined ? 86_400 : wholeSeconds(maxAgeRaw, 'AUTH_MAX_TOKEN_AGE');
  const ttl = given.ttl === undefined ? 3600 : wholeSeconds(given.ttl, '--ttl');
  if (ttl > maxAge) {
    throw new Refusal(`--ttl ${ttl} is longer than AUTH_MAX_TOKEN_AGE (${maxAge} s): the service would refuse the token`);
  }

  const merchant = given.merchant;
  if (merchant !== undefined && !MERCHANT_ID.test(merchant)) {
    throw new Refusal(`merchant id ${JSON.stringify(merchant)} is not 1-64 of A-Za-z0-9_.-`);
  }
  const claim = setting('AUTH_MERCHANT_CLAIM') ?? 'merchant';
  if (RESERVED_CLAIMS.includes(claim)) throw new Refusal(`AUTH_MERCHANT_CLAIM=${claim} names a standard claim this script sets itself`);

  const granted = scopes(given.scope ?? 'vendors:read');
  const subject = given.subject ?? 'dev';
  if (subject.trim() === '') throw new Refusal('--subject must not be empty');
  const warning = merchant === undefined ? undefined : await merchantWarning(merchant);

  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + ttl;
  const claims = { scope: granted.join(' ') };
  if (merchant !== undefined) claims[claim] = merchant;
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt);
  const issuer = setting('AUTH_ISSUER');
  const audience = setting('AUTH_AUDIENCE');
  if (issuer !== undefined) jwt = jwt.setIssuer(issuer);
  if (audience !== undefined) jwt = jwt.setAudience(audience);
  const token = await jwt.sign(key);

  process.stdout.write(`${token}\n`);
  if (warning) process.stderr.write(`token: warning: ${warning}\n`);
  const who = merchant === undefined ? `merchant default (no "${claim}" claim)` : `merchant ${merchant} (claim "${claim}")`;
  process.stderr.write(
    `token: ${who}, scopes ${granted.join(' ') || '(none)'}, subject ${subject}, expires ${new Date(expiresAt * 1000).toISOString()} (in ${ttl} s)\n`,
  );
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`token: ${error.message}\n`);
  process.exitCode = 1;
}
