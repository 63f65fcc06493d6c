import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { CallerAuth, type Caller } from '../src/auth/caller-auth.js';
import { loadConfig, type AuthConfig } from '../src/config.js';
import { childEnv } from './helpers/test-run.js';

/** `npm run token` runs `node scripts/token.mjs`; here the same script under the locked node. */
const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'token.mjs');
const SECRET = 'token-script-test-secret-0123456789abcdef';
const ALL = ['vendors:read', 'printing:write', 'pickup:write', 'logistics:write', 'fiscal:write'];

/** Every working directory the script ran in: empty unless a test writes a .env into it. */
const dirs: string[] = [];
/** Everything the script printed, to look for the secret in. */
const printed: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The script as a child process, in a fresh directory (so no developer's .env is read), with only
 * `env` set of the variables it reads (nothing of the developer's environment: test/helpers/test-run.ts).
 */
function token(args: string[], env: Record<string, string> = { AUTH_JWT_SECRET: SECRET }, dotEnv?: string): Run {
  const cwd = mkdtempSync(join(tmpdir(), 'token-script-'));
  dirs.push(cwd);
  if (dotEnv !== undefined) writeFileSync(join(cwd, '.env'), dotEnv);
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { cwd, env: childEnv(env), encoding: 'utf8', timeout: 15_000 });
  printed.push(result.stdout, result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What the service's own CallerAuth makes of the token, with `auth` on top of the defaults. */
async function verify(jwt: string, auth: Partial<AuthConfig> = {}): Promise<Caller | null> {
  const config: AuthConfig = { ...loadConfig({}).auth, jwtSecret: SECRET, ...auth };
  return new CallerAuth(config).authenticate((name) => (name === 'authorization' ? `Bearer ${jwt}` : undefined));
}

/** A successful run: exit 0, one JWT and a newline on stdout, one summary line on stderr (after any warning lines). */
function minted(run: Run): string {
  expect(run.stderr).toMatch(/^(token: warning: [^\n]+\n)*token: (?!warning)[^\n]+\n$/);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return run.stdout.trim();
}

const nowSec = () => Math.floor(Date.now() / 1000);

/** The warning lines of a run (none when the merchant is one the service serves). */
const warnings = (run: Run) => run.stderr.split('\n').filter((line) => line.startsWith('token: warning:'));

describe('npm run token', () => {
  it('is the package script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.token).toBe('node scripts/token.mjs');
  });

  it('mints a token the service accepts: merchant, scopes, subject, and an expiry within the ttl', async () => {
    const before = nowSec();
    const run = token(['--merchant', 'shop-17', '--scope', 'vendors:read printing:write', '--ttl', '600']);
    const jwt = minted(run);
    const caller = await verify(jwt, { maxTokenAgeSec: 600 });
    expect(caller?.subject).toBe('dev');
    expect([...(caller?.scopes ?? [])].sort()).toEqual(['printing:write', 'vendors:read']);
    const claims = decodeJwt(jwt);
    expect(decodeProtectedHeader(jwt).alg).toBe('HS256');
    expect(claims.merchant).toBe('shop-17');
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.iat!).toBeGreaterThanOrEqual(before);
    expect(claims.exp! - nowSec()).toBeLessThanOrEqual(600);
    expect(caller?.expiresAt).toBe(claims.exp! * 1000);
    expect(claims).not.toHaveProperty('iss');
    expect(claims).not.toHaveProperty('aud');
    // The summary names the merchant, the scopes and when the token expires.
    expect(run.stderr).toContain('shop-17');
    expect(run.stderr).toContain('vendors:read printing:write');
    expect(run.stderr).toContain(new Date(claims.exp! * 1000).toISOString());
  });

  it('verifies only with the secret it was signed with', async () => {
    const jwt = minted(token([]));
    await expect(verify(jwt, { jwtSecret: 'another-secret-another-secret-another-secret' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('defaults: vendors:read, subject dev, one hour, and no merchant claim (the default merchant)', async () => {
    const run = token([]);
    const jwt = minted(run);
    const caller = await verify(jwt);
    expect([...(caller?.scopes ?? [])]).toEqual(['vendors:read']);
    expect(caller?.subject).toBe('dev');
    const claims = decodeJwt(jwt);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'scope', 'sub']);
    expect(run.stderr).toContain('merchant default');
  });

  it('puts the merchant under AUTH_MERCHANT_CLAIM, and sets iss and aud from AUTH_ISSUER and AUTH_AUDIENCE', async () => {
    const env = {
      AUTH_JWT_SECRET: SECRET,
      AUTH_MERCHANT_CLAIM: 'https://vendor-ops.example/merchant',
      AUTH_ISSUER: 'https://id.example',
      AUTH_AUDIENCE: 'vendor-ops',
    };
    const jwt = minted(token(['--merchant', 'Shop_17.eu', '--scope', 'all', '--subject', 'alice'], env));
    const caller = await verify(jwt, { issuer: 'https://id.example', audience: 'vendor-ops' });
    expect([...(caller?.scopes ?? [])].sort()).toEqual([...ALL].sort());
    expect(caller?.subject).toBe('alice');
    const claims = decodeJwt(jwt);
    expect(claims['https://vendor-ops.example/merchant']).toBe('Shop_17.eu');
    expect(claims).not.toHaveProperty('merchant');
    expect(claims.iss).toBe('https://id.example');
    expect(claims.aud).toBe('vendor-ops');
    // The service with another audience refuses it: the claims are really checked.
    await expect(verify(jwt, { issuer: 'https://id.example', audience: 'billing' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('accepts a lifetime of exactly AUTH_MAX_TOKEN_AGE', async () => {
    const jwt = minted(token(['--ttl', '900'], { AUTH_JWT_SECRET: SECRET, AUTH_MAX_TOKEN_AGE: '900' }));
    await expect(verify(jwt, { maxTokenAgeSec: 900 })).resolves.not.toBeNull();
  });

  it('reads .env from the working directory, and the environment wins over it', async () => {
    const dotEnv = `AUTH_JWT_SECRET=${SECRET}\nAUTH_MERCHANT_CLAIM=from_file\nAUTH_AUDIENCE=file-audience\n`;
    const fromFile = minted(token(['--merchant', 'shop-17'], {}, dotEnv));
    expect(decodeJwt(fromFile).from_file).toBe('shop-17');
    await expect(verify(fromFile, { audience: 'file-audience' })).resolves.not.toBeNull();

    const envWins = minted(token(['--merchant', 'shop-17'], { AUTH_MERCHANT_CLAIM: 'from_env' }, dotEnv));
    expect(decodeJwt(envWins).from_env).toBe('shop-17');
    expect(decodeJwt(envWins)).not.toHaveProperty('from_file');
  });

  describe('a merchant the service does not serve: a warning on stderr, and the token all the same', () => {
    it('warns for shop-9, naming the merchants it knows (default, and the sandbox’s shop-2 in sandbox mode)', () => {
      const run = token(['--merchant', 'shop-9']);
      const jwt = minted(run);
      expect(decodeJwt(jwt).merchant).toBe('shop-9');
      expect(warnings(run)).toEqual([
        'token: warning: merchant "shop-9" is not configured here (known: default, shop-2): this service answers its token 403 FORBIDDEN; minted anyway, for a deployment that serves it',
      ]);
    });

    it('knows shop-2 in sandbox mode only, and default always', () => {
      expect(warnings(token(['--merchant', 'shop-2']))).toEqual([]);
      expect(warnings(token(['--merchant', 'default']))).toEqual([]);
      expect(warnings(token([]))).toEqual([]);
      const live = token(['--merchant', 'shop-2'], { AUTH_JWT_SECRET: SECRET, VENDOR_MODE: 'live' });
      minted(live);
      expect(warnings(live)).toEqual([expect.stringContaining('merchant "shop-2" is not configured here (known: default)')]);
    });

    it('reads MERCHANTS_FILE as the service does: from .env or the environment, ${NAME} from the same environment', () => {
      const cwd = mkdtempSync(join(tmpdir(), 'token-script-file-'));
      dirs.push(cwd);
      const file = join(cwd, 'merchants.json');
      writeFileSync(file, JSON.stringify({ 'shop-17': { feyin: { memberCode: 'm17', apiKey: '${SHOP17_FEYIN_KEY}' } }, 'cafe.2': {} }));
      const env = { AUTH_JWT_SECRET: SECRET, MERCHANTS_FILE: file, SHOP17_FEYIN_KEY: 'key-17' };
      expect(warnings(token(['--merchant', 'shop-17'], env))).toEqual([]);
      expect(warnings(token(['--merchant', 'cafe.2'], env))).toEqual([]);
      const unknown = token(['--merchant', 'shop-9'], env);
      minted(unknown);
      expect(warnings(unknown)).toEqual([expect.stringContaining('(known: default, shop-2, shop-17, cafe.2)')]);
      // From .env, with the variable in .env too.
      const fromDotEnv = token(
        ['--merchant', 'shop-17'],
        {},
        `AUTH_JWT_SECRET=${SECRET}\nMERCHANTS_FILE=${file}\nSHOP17_FEYIN_KEY=key-17\n`,
      );
      minted(fromDotEnv);
      expect(warnings(fromDotEnv)).toEqual([]);
    });

    it('says so when the configuration cannot be read as the service reads it, never printing a value', () => {
      const cwd = mkdtempSync(join(tmpdir(), 'token-script-file-'));
      dirs.push(cwd);
      const file = join(cwd, 'merchants.json');
      writeFileSync(file, JSON.stringify({ 'shop-17': { feyin: { memberCode: 'm17', apiKey: '${SHOP17_FEYIN_KEY}' } } }));
      const run = token(['--merchant', 'shop-17'], { AUTH_JWT_SECRET: SECRET, MERCHANTS_FILE: file });
      minted(run);
      expect(warnings(run)).toEqual([
        expect.stringMatching(
          /^token: warning: cannot tell whether merchant "shop-17" is configured: the service would not start with this configuration \(.*variable SHOP17_FEYIN_KEY is not set.*\); minted anyway$/,
        ),
      ]);
      const missing = token(['--merchant', 'shop-17'], { AUTH_JWT_SECRET: SECRET, MERCHANTS_FILE: join(cwd, 'nowhere.json') });
      minted(missing);
      expect(warnings(missing)).toEqual([expect.stringContaining('cannot be read')]);
    });
  });

  it('prints its usage with --help', () => {
    const run = token(['--help'], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--merchant');
    for (const scope of ALL) expect(run.stdout).toContain(scope);
    expect(run.stdout).toContain('{"Authorization": "Bearer <token>"}');
  });

  const ok = { AUTH_JWT_SECRET: SECRET };
  it.each<[string, string[], Record<string, string>, RegExp, string?]>([
    ['NODE_ENV=production', [], { ...ok, NODE_ENV: 'production' }, /NODE_ENV=production: development tokens are not minted/],
    ['NODE_ENV=production in .env', [], ok, /NODE_ENV=production/, 'NODE_ENV=production\n'],
    ['no AUTH_JWT_SECRET', [], {}, /AUTH_JWT_SECRET is not set/],
    ['an empty AUTH_JWT_SECRET', [], { AUTH_JWT_SECRET: '  ' }, /AUTH_JWT_SECRET is not set/],
    ['a 31-character AUTH_JWT_SECRET', [], { AUTH_JWT_SECRET: SECRET.slice(0, 31) }, /AUTH_JWT_SECRET must be at least 32 characters/],
    ['AUTH_JWKS_URL', [], { AUTH_JWKS_URL: 'https://id.example/jwks.json' }, /AUTH_JWKS_URL is set: .*identity provider/],
    ['AUTH_JWKS_URL beside a secret', [], { ...ok, AUTH_JWKS_URL: 'https://id.example/jwks.json' }, /AUTH_JWKS_URL are both set/],
    ['an unknown option', ['--merchnat', 'shop-17'], ok, /unknown option "--merchnat"/],
    ['an unknown short option', ['-m', 'shop-17'], ok, /unknown option "-m"/],
    ['a stray argument', ['shop-17'], ok, /unexpected argument "shop-17"/],
    ['an option without its value', ['--merchant'], ok, /--merchant needs a value/],
    ['a merchant id with a space', ['--merchant', 'shop 17'], ok, /merchant id "shop 17" is not 1-64 of A-Za-z0-9_.-/],
    ['a merchant id with a slash', ['--merchant', 'shop/17'], ok, /merchant id "shop\/17" is not/],
    ['an empty merchant id', ['--merchant', ''], ok, /merchant id "" is not/],
    ['a 65-character merchant id', ['--merchant', 'm'.repeat(65)], ok, /merchant id "m{65}" is not/],
    [
      'an unknown scope',
      ['--scope', 'vendors:read vendors:write'],
      ok,
      /unknown scope "vendors:write": the scopes are vendors:read, printing:write/,
    ],
    ['a ttl over the default AUTH_MAX_TOKEN_AGE', ['--ttl', '86401'], ok, /--ttl 86401 is longer than AUTH_MAX_TOKEN_AGE \(86400 s\)/],
    [
      'a ttl over AUTH_MAX_TOKEN_AGE',
      ['--ttl', '601'],
      { ...ok, AUTH_MAX_TOKEN_AGE: '600' },
      /--ttl 601 is longer than AUTH_MAX_TOKEN_AGE \(600 s\)/,
    ],
    ['a ttl that is not whole seconds', ['--ttl', '1h'], ok, /--ttl must be a whole number of seconds/],
    ['a ttl of 0', ['--ttl', '0'], ok, /--ttl must be a whole number of seconds, at least 1/],
    [
      'AUTH_MERCHANT_CLAIM naming a standard claim',
      ['--merchant', 'shop-17'],
      { ...ok, AUTH_MERCHANT_CLAIM: 'sub' },
      /AUTH_MERCHANT_CLAIM=sub/,
    ],
  ])('refuses %s: exit 1, one line on stderr, no token', (_name, args, env, message, dotEnv) => {
    const run = token(args, env, dotEnv);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^token: [^\n]+\n$/);
    expect(run.stderr).toMatch(message);
  });

  it('never prints the secret, nor a short one', () => {
    const short = 'short-secret-xyz';
    const shortRun = token([], { AUTH_JWT_SECRET: short });
    expect(shortRun.status).toBe(1);
    expect(shortRun.stdout + shortRun.stderr).not.toContain(short);
    // Every run of this file so far, refusals and tokens alike (a JWT does not carry its key).
    expect(printed.length).toBeGreaterThan(20);
    for (const output of printed) expect(output).not.toContain(SECRET.slice(0, 24));
  });
});
