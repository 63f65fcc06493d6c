import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_CSP } from '../../src/server/graphiql.js';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { ALL_SCOPES, TEST_JWT_SECRET, mintToken } from '../helpers/tokens.js';

const SECURITY = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/** Sends `request` as written on a plain socket and returns what came back until the server closed or the head ended. */
function rawExchange(url: string, request: string, untilHeadEnds = false): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.setEncoding('latin1');
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer; got ${JSON.stringify(received)}`)));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (untilHeadEnds && received.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.on('close', () => resolve(received));
  });
}

/** Status and lower-cased headers of a raw HTTP/1.1 answer. */
function head(raw: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = raw.split('\r\n\r\n')[0]!.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers };
}

const upgrade = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    ...Object.entries({ 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), ...headers }).map(
      ([name, value]) => `${name}: ${value}`,
    ),
    '',
    '',
  ].join('\r\n');

describe('security headers (OWASP secure headers) on every kind of answer', () => {
  let t: TestService;
  let token: string;
  beforeAll(async () => {
    // Caller auth on, so the 401 before Apollo is one of the answers.
    t = await startTestService({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    token = await mintToken({ scope: ALL_SCOPES });
  });
  afterAll(() => t?.stop());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const printer = `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }`;

  const answers: Array<[string, number, () => Promise<Response>]> = [
    ['a GraphQL answer', 200, () => post({ query: printer })],
    [
      'a GraphQL answer by GET',
      200,
      () =>
        fetch(`${t.url}/graphql?query=${encodeURIComponent(printer)}`, {
          headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
        }),
    ],
    ['a GraphQL validation error', 400, () => post({ query: '{ nope }' })],
    ['a body that is not JSON', 400, () => post('{')],
    ['a body over the limit', 413, () => post({ query: 'x'.repeat(200_000) })],
    ['a caller without a token', 401, () => post({ query: printer }, { authorization: '' })],
    ['a CORS preflight', 204, () => fetch(`${t.url}/graphql`, { method: 'OPTIONS' })],
    [
      'a callback subscription refused (no SUBSCRIPTION_CALLBACK_ORIGINS)',
      400,
      () =>
        post(
          {
            query: `subscription { printerUpdated(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }`,
            extensions: {
              subscription: { callbackUrl: 'http://127.0.0.1:9/cb', subscriptionId: 's-1', verifier: 'v', heartbeatIntervalMs: 0 },
            },
          },
          { accept: 'application/json;callbackSpec=1.0' },
        ),
    ],
    ['/health', 200, () => fetch(`${t.url}/health`)],
    ['/ready', 200, () => fetch(`${t.url}/ready`)],
    ['/metrics', 200, () => fetch(`${t.url}/metrics`)],
    ['an unknown path', 404, () => fetch(`${t.url}/nope`)],
    ['the GraphiQL page', 200, () => fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })],
    ['a GraphiQL asset', 200, () => fetch(`${t.url}/graphql/assets/graphiql.js`)],
    ['an unknown GraphiQL asset', 404, () => fetch(`${t.url}/graphql/assets/nope.js`)],
    ['a Feyin callback that is malformed', 400, () => fetch(`${t.url}/callbacks/feyin`, { method: 'POST', body: 'not a callback' })],
    ['a LifePay callback for no document', 404, () => fetch(`${t.url}/callbacks/lifepay/nope/nope`, { method: 'POST', body: '{}' })],
  ];

  it.each(answers)('%s (%i)', async (_kind, status, send) => {
    const response = await send();
    const body = await response.text();
    expect(response.status, body).toBe(status);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name in SECURITY))).toEqual(SECURITY);
  });

  it('the GraphiQL page alone carries the Content-Security-Policy, with frame-ancestors none', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-security-policy')).toBe(GRAPHIQL_CSP);
    for (const directive of [
      "default-src 'none'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "connect-src 'self'",
    ]) {
      expect(GRAPHIQL_CSP.split('; ')).toContain(directive);
    }
    expect(GRAPHIQL_CSP).not.toMatch(/unsafe-(inline|eval)|\*/);
    // Its scripts and styles: this service's own files and the page's own inline ones, by hash.
    expect(GRAPHIQL_CSP).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='(;|$)/);
    expect(GRAPHIQL_CSP).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/]{43}='(;|$)/);
    expect((await fetch(`${t.url}/health`)).headers.get('content-security-policy')).toBeNull();
  });

  it('an answer written past the request handler: a request line node cannot parse (400), headers too large (431)', async () => {
    const garbage = head(await rawExchange(t.url, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.headers).toMatchObject(SECURITY);
    const huge = head(await rawExchange(t.url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(huge.status).toBe(431);
    expect(huge.headers).toMatchObject(SECURITY);
  });

  it('a path the URL parser refuses (the request handler fails: 500)', async () => {
    const answer = head(await rawExchange(t.url, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(answer.status).toBe(500);
    expect(answer.headers).toMatchObject(SECURITY);
  });

  it.each([
    ['another path', 404, upgrade('/nope')],
    ['another method', 405, upgrade('/graphql', {}, 'POST')],
    ['a malformed key', 400, upgrade('/graphql', { 'Sec-WebSocket-Key': 'short' })],
    ['an unknown version', 400, upgrade('/graphql', { 'Sec-WebSocket-Version': '7' })],
    ['a path the URL parser refuses', 400, upgrade('//[')],
  ])('a WebSocket upgrade refused on its socket: %s (%i)', async (_kind, status, request) => {
    const answer = head(await rawExchange(t.url, request));
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatchObject({ ...SECURITY, connection: 'close', 'content-length': '0' });
    // The service lives on.
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });

  it('a WebSocket upgrade accepted (101)', async () => {
    const answer = head(await rawExchange(t.url, upgrade('/graphql', { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' }), true));
    expect(answer.status).toBe(101);
    expect(answer.headers).toMatchObject({ ...SECURITY, 'sec-websocket-protocol': 'graphql-transport-ws' });
  });
});
