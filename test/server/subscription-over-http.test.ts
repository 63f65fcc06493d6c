import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

const WATCH = 'subscription WatchOverPost($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }';

describe('a subscription sent by plain HTTP POST', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('is a client error (400, BAD_USER_INPUT) naming the WebSocket and the router callback mode, counted as such', async () => {
    const answer = await t.gql(WATCH, { m: FEYIN_SEED.queuedMessages[0] });
    expect(answer.status).toBe(400);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    const [error] = answer.errors!;
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', retryable: false });
    expect(error.message).toContain('ws://<host>/graphql');
    expect(error.message).toContain('graphql-transport-ws');
    expect(error.message).toContain('callback mode');
    // Refused before anything ran: no vendor read.
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('graphql_operations_total{operation="WatchOverPost",outcome="BAD_USER_INPUT",transport="http"} 1');
    expect(metrics).not.toMatch(/vendor_calls_total\{vendor="FEYIN"/);
  });

  it('leaves queries alone', async () => {
    const answer = await t.gql('query { printMessage(msgNo: "FY0000000000000000000000000001") { msgNo } }');
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
  });
});
