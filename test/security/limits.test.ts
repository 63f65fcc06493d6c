import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('request limits', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('refuses a 40-level deep query before executing it', async () => {
    // _entities → Machine → pickupCodes → machine → pickupCodes … nests as deep as asked.
    let selection = 'machineNo';
    for (let i = 0; i < 20; i += 1) selection = `pickupCodes(productId: "501") { machine { ${selection} } }`;
    const answer = await t.gql(`{ machine(machineNo: "10000001") { ${selection} } }`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toMatch(/levels deep; at most 10/);
    expect(t.sandbox.requestsTo('/pickup')).toHaveLength(0);
  });

  it('refuses 500 printers by alias before any vendor call', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `p${i}: printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status }`).join(' ');
    const answer = await t.gql(`{ ${aliases} }`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toMatch(/500 vendor-backed fields; at most 50/);
    expect(t.sandbox.requestsTo('/feyin')).toHaveLength(0);
  });

  it('counts fragments too', async () => {
    const spreads = Array.from({ length: 60 }, (_, i) => `a${i}: printer(deviceNo: "1") { ...P }`).join(' ');
    const answer = await t.gql(`{ ${spreads} } fragment P on Printer { status }`);
    expect(answer.errors?.[0]?.message).toMatch(/60 vendor-backed fields/);
  });

  it('lets a normal query through', async () => {
    const answer = await t.gql(`{ a: printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } b: printer(deviceNo: "${FEYIN_SEED.offlinePrinter}") { status } }`);
    expect(answer.errors).toBeUndefined();
  });

  it('refuses a 2 MB argument with 413 and no vendor call', async () => {
    const before = t.sandbox.requests.length;
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }', variables: { m: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(t.sandbox.requests.length).toBe(before);
  });
});
