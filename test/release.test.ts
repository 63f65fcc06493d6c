import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../src/config.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string };
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** `LABEL a="x" \ b="y"` lines of the Dockerfile's runtime stage, as a map. */
function labels(): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
  const found: Record<string, string> = {};
  for (const match of runtime.matchAll(/(org\.opencontainers\.image\.[a-z.]+)="([^"]*)"/g)) found[match[1]!] = match[2]!;
  return found;
}

/** The runtime stage's `ENV a=b \ c=d`: what every container starts with. */
function imageEnv(): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
  const block = /^ENV ((?:.*\\\n)*.*)$/m.exec(runtime)![1]!;
  return Object.fromEntries([...block.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

/** Compose's `${NAME:-default}` and `${NAME}` against `env` (what `.env` and the shell give). */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => env[name] || (fallback ?? ''));
}

/** A replica's environment as compose would give it: the image's ENV, then `.env` (env_file), then `environment:`. */
function replicaEnv(dotEnv: Record<string, string>): Record<string, string> {
  const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { build?: string; env_file?: Array<{ path: string; required?: boolean }>; environment?: Record<string, string> }
    >;
  };
  const replicas = Object.entries(compose.services).filter(([, service]) => service.build === '.');
  expect(replicas.map(([name]) => name)).toEqual(['replica-1', 'replica-2']);
  const [, replica] = replicas[0]!;
  // A missing .env is no error: the Quick start's users have none.
  expect(replica.env_file).toEqual([{ path: '.env', required: false }]);
  const environment = Object.fromEntries(
    Object.entries(replica.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), dotEnv)]),
  );
  return { ...imageEnv(), ...dotEnv, ...environment };
}

describe('what a release carries', () => {
  it('is Apache-2.0: the LICENSE file and package.json say so', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync('LICENSE', 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it("has a Keep a Changelog CHANGELOG.md with a section for package.json's version and for 0.1.0", () => {
    const changelog = readFileSync('CHANGELOG.md', 'utf8');
    expect(changelog).toMatch(/keepachangelog\.com/);
    expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    expect(changelog).toMatch(/^## \[0\.1\.0\] - \d{4}-\d{2}-\d{2}$/m);
  });

  it("labels the image with the OCI labels, its version package.json's", () => {
    expect(labels()).toMatchObject({
      'org.opencontainers.image.title': 'vendor-operations-subgraph',
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.licenses': pkg.license,
    });
  });

  it('compose.yaml starts without a .env: sandbox mode, a configuration the service accepts', () => {
    const config = loadConfig(replicaEnv({}));
    expect(config).toMatchObject({ vendorMode: 'sandbox', production: true });
    expect(config.databaseUrl).toMatch(/^postgres:\/\/.*@postgres:5432\//);
  });

  it('compose.yaml with a .env asking for live mode but no caller auth stops with a message naming what to set', () => {
    let problem: unknown;
    try {
      loadConfig(replicaEnv({ VENDOR_MODE: 'live' }));
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(ConfigError);
    expect((problem as Error).message).toMatch(/AUTH_JWT_SECRET or AUTH_JWKS_URL/);
    // With auth set, live mode starts.
    expect(loadConfig(replicaEnv({ VENDOR_MODE: 'live', AUTH_JWT_SECRET: 'x'.repeat(40) })).vendorMode).toBe('live');
  });
});
