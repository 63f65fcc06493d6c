import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FEYIN_SEED, sandboxEnv, startSandbox, type RunningSandbox } from '../src/sandbox/index.js';
import { spawnService } from './helpers/child-service.js';
import { eventually } from './helpers/eventually.js';

const QUERY = JSON.stringify({ query: `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }` });

describe('graceful shutdown of the real process under load', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox();
    // A slow vendor keeps requests in flight when SIGTERM arrives.
    const feyin = running.simulators.feyin;
    const original = feyin.handle.bind(feyin);
    feyin.handle = async (request) => {
      if (request.path !== '/token') await new Promise((r) => setTimeout(r, 400));
      return original(request);
    };
  });
  afterAll(() => running.sandbox.close());

  it('answers every acknowledged request, turns /ready away and exits 0 within 10 s', async () => {
    const service = await spawnService({ VENDOR_MODE: 'live', AUTH_DISABLED: 'true', ...sandboxEnv(running) });
    // Passed or failed, the process is gone after the test (its DATA_DIR is a temp folder of spawnService's).
    onTestFinished(() => service.kill9());
    const exited = new Promise<number | null>((resolve) => service.child.once('exit', (code) => resolve(code)));
    const send = () =>
      fetch(`${service.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as { data?: { printer?: { status?: string } } } }),
        () => 'refused' as const,
      );

    // Warm up (token fetched), then put 40 requests in flight.
    expect((await send()) !== 'refused').toBe(true);
    const inFlight = Array.from({ length: 40 }, send);
    // Acknowledged: all 40 (and the warm-up) have reached the vendor, so the service holds them.
    const statusCalls = () => running.sandbox.requestsTo('/feyin').filter((r) => r.path !== '/token').length;
    await eventually(() => statusCalls() >= 41, { what: 'every request reaching the vendor' });
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await eventually(() => service.output.join('').includes('shutting down'), { what: 'the shutdown log line' });
    const ready = await fetch(`${service.url}/ready`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(ready === 503 || ready === 'refused').toBe(true);
    const late = await Promise.all(Array.from({ length: 5 }, send));

    const answers = await Promise.all(inFlight);
    // Every request sent before SIGTERM was acknowledged and answered in full.
    for (const answer of answers) {
      expect(answer).not.toBe('refused');
      if (answer !== 'refused') {
        expect(answer.status).toBe(200);
        expect(answer.body.data?.printer?.status).toBe('online');
      }
    }
    // Requests after shutdown began are refused at connect or answered in full, never cut off.
    for (const answer of late) if (answer !== 'refused') expect(answer.body.data?.printer?.status).toBe('online');

    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  }, 30_000);
});
