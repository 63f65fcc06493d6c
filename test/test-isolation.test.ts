import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED, sandboxEnv, startSandbox, type RunningSandbox } from '../src/sandbox/index.js';
import { spawnService } from './helpers/child-service.js';
import { startTestService } from './helpers/service.js';

const ROOT = resolve(import.meta.dirname, '..');
const PRINTER = JSON.stringify({ query: `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }` });

async function printerStatus(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PRINTER });
  return { status: response.status, body: await response.json() };
}

/** What the README's walk-through leaves in a developer's checkout and shell. */
const DEVELOPER_DOT_ENV = `AUTH_JWT_SECRET=${'x'.repeat(40)}\nVENDOR_MODE=live\nLOG_LEVEL=silent\n`;
const DEVELOPER_SHELL: Record<string, string> = {
  AUTH_JWT_SECRET: 'y'.repeat(40),
  VENDOR_MODE: 'not-a-mode',
  DATABASE_URL: 'postgres://nobody@127.0.0.1:9/nothing',
  LOG_LEVEL: 'not-a-level',
  MERCHANTS_FILE: join(tmpdir(), 'no-such-merchants.json'),
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
};

/**
 * Issue 27: a `.env` in the checkout, or variables in the developer's shell, must not change what
 * the tests see. The services the tests start build their environment from scratch and read no
 * `.env` of the folder `npm test` runs in.
 */
describe("the services tests start ignore the developer's .env and shell", () => {
  let running: RunningSandbox;
  let checkout: string;
  const cwd = process.cwd();
  const saved = Object.fromEntries(Object.keys(DEVELOPER_SHELL).map((name) => [name, process.env[name]]));
  beforeAll(async () => {
    running = await startSandbox();
    // A stand-in for the checkout (the folder `npm test` runs in) holding the README's `.env`.
    checkout = mkdtempSync(join(tmpdir(), 'vendor-ops-checkout-'));
    for (const entry of ['src', 'tsconfig.json']) cpSync(join(ROOT, entry), join(checkout, entry), { recursive: true });
    for (const entry of ['node_modules', 'package.json']) symlinkSync(join(ROOT, entry), join(checkout, entry));
    writeFileSync(join(checkout, '.env'), DEVELOPER_DOT_ENV);
    process.chdir(checkout);
    Object.assign(process.env, DEVELOPER_SHELL);
  });
  afterAll(async () => {
    process.chdir(cwd);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await running?.sandbox.close();
    rmSync(checkout, { recursive: true, force: true });
  });

  it('a real service process (spawnService) answers as without them', async () => {
    const service = await spawnService({ VENDOR_MODE: 'live', AUTH_DISABLED: 'true', ...sandboxEnv(running) });
    try {
      expect(await printerStatus(service.url)).toEqual({ status: 200, body: { data: { printer: { status: 'online' } } } });
    } finally {
      await service.stop();
    }
  }, 30_000);

  it('an in-process service (startTestService) answers as without them', async () => {
    const service = await startTestService({ sandbox: running });
    try {
      expect(await printerStatus(service.url)).toEqual({ status: 200, body: { data: { printer: { status: 'online' } } } });
    } finally {
      await service.stop();
    }
  });
});
