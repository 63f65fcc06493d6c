import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './helpers/service.js';
import { TEST_JWT_SECRET } from './helpers/tokens.js';

interface ErrorBody {
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as ErrorBody };
};

describe('every error a caller can see has code and retryable', () => {
  let t: TestService;
  let secured: TestService;
  beforeAll(async () => {
    [t, secured] = await Promise.all([startTestService(), startTestService({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } })]);
  });
  afterAll(() => Promise.all([t.stop(), secured.stop()]));

  it.each([
    ['a parse error', '{"query":"{ printer("}', 400, 'GRAPHQL_PARSE_FAILED'],
    ['a validation error', '{"query":"{ nope }"}', 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['a missing variable', '{"query":"query($m: ID!) { printMessage(msgNo: $m) { msgNo } }"}', 400, 'BAD_USER_INPUT'],
    ['a body that is not JSON', '{"query":', 400, 'BAD_USER_INPUT'],
    ['no query at all', '{}', 400, 'BAD_REQUEST'],
    [
      'an over-limit body',
      JSON.stringify({ query: `{ printer(deviceNo: "${'x'.repeat(200_000)}") { status } }` }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('%s', async (_name, body, status, code) => {
    const answer = await post(t.url, body);
    expect(answer.status).toBe(status);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code, retryable: false });
  });

  it('a missing token (401)', async () => {
    const answer = await post(secured.url, '{"query":"{ __typename }"}');
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', retryable: false });
  });

  it('orderId and taskId are checked before APIUSB is called', async () => {
    const before = t.sandbox.requestsTo('/apiusb').length;
    const answer = await t.gql(
      'mutation { cancelOrder(orderId: "1000 1202", taskId: "t\\tdrop", reason: "customer asked") { order { status } } }',
    );
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      retryable: false,
      fields: { orderId: [expect.any(String)], taskId: [expect.any(String)] },
    });
    expect(t.sandbox.requestsTo('/apiusb').length).toBe(before);
  });
});

describe('HTTP server deadlines', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => t.stop());

  it('cuts a POST body sent slowly', async () => {
    const { port } = new URL(t.url);
    const started = Date.now();
    const outcome = await new Promise<string>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
      });
      req.on('response', (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (error) => resolve(`closed: ${error.message}`));
      req.write('{"query":');
      // One byte a second, never finishing within the deadline.
      const timer = setInterval(() => req.write(' '), 1000);
      req.on('close', () => clearInterval(timer));
      setTimeout(() => {
        clearInterval(timer);
        resolve('still open after 10 s');
        req.destroy();
      }, 10_000);
    });
    expect(outcome).not.toBe('still open after 10 s');
    expect(outcome).toMatch(/status 408|closed/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('cuts a request whose headers never end', async () => {
    const { createConnection } = await import('node:net');
    const { port } = new URL(t.url);
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () =>
        socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n'),
      );
      let answer = '';
      const timer = setInterval(() => socket.write('x-slow: 1\r\n'), 300);
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => {
        clearInterval(timer);
        resolve(answer.split('\r\n')[0] ?? '');
      });
      setTimeout(() => socket.destroy(), 10_000);
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(closed).toMatch(/408|^$/);
  });
});
