import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { originMatcher } from '../../src/server/cors.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** The names of the CORS headers an answer carries. */
function corsHeaders(headers: Headers): string[] {
  const names: string[] = [];
  headers.forEach((_value, name) => {
    if (name.startsWith('access-control-')) names.push(name);
  });
  return names;
}

describe('originMatcher', () => {
  it('exact origins, and a port wildcard that matches any port (or none) of that scheme and host only', () => {
    const allowed = originMatcher(['https://app.example.com', 'http://localhost:*']);
    expect(allowed('https://app.example.com')).toBe(true);
    expect(allowed('http://localhost:5173')).toBe(true);
    expect(allowed('http://localhost')).toBe(true);
    for (const origin of [
      'https://app.example.com:8443',
      'http://app.example.com',
      'https://app.example.com.evil.test',
      'https://localhost:5173',
      'http://localhost.evil.test',
      'http://localhost:5173.evil.test',
      'http://localhost:',
      'http://127.0.0.1:5173',
      'null',
      '',
    ]) {
      expect(allowed(origin), origin).toBe(false);
    }
  });

  it('"*" allows any origin but the opaque one; no pattern allows none', () => {
    expect(originMatcher(['*'])('https://anything.example')).toBe(true);
    expect(originMatcher(['*'])('null')).toBe(false);
    expect(originMatcher([])('http://localhost:3000')).toBe(false);
  });
});

describe('CORS on /graphql over HTTP', () => {
  let t: TestService;
  const allowed = 'http://localhost:5173';
  const query = JSON.stringify({ query: `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }` });
  beforeAll(async () => {
    t = await startTestService({ env: { CORS_ORIGINS: 'http://localhost:*,https://app.example.com' } });
  });
  afterAll(() => t?.stop());

  const preflight = (origin: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });

  it('a preflight from an allowed origin: methods, the headers CSRF prevention needs, Vary: Origin', async () => {
    const response = await preflight(allowed);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const headers = response.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of [
      'content-type',
      'apollo-require-preflight',
      'x-apollo-operation-name',
      'authorization',
      'traceparent',
      'x-request-id',
    ]) {
      expect(headers).toContain(header);
    }
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('a disallowed origin gets no CORS header, on the preflight or the request', async () => {
    const response = await preflight('https://evil.example');
    expect(response.status).toBe(204);
    expect(corsHeaders(response.headers)).toEqual([]);
    const request = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: query,
    });
    expect(corsHeaders(request.headers)).toEqual([]);
    expect(request.headers.get('vary')).toBe('Origin');
  });

  it('the request from an allowed origin: its origin back, x-request-id readable by the page', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
      body: query,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it("Apollo's CSRF prevention stays on: a simple text/plain POST and a GET without the preflight headers are refused", async () => {
    const simplePost = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { origin: allowed, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: `mutation { cancelPrintMessage(msgNo: "${FEYIN_SEED.queuedMessages[2]}") { cancelled } }` }),
    });
    expect(simplePost.status).toBe(400);
    expect(await simplePost.text()).toContain('Cross-Site Request Forgery');
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: allowed } });
    expect(get.status).toBe(400);
    const withHeader = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: allowed, 'apollo-require-preflight': 'true' },
    });
    expect(withHeader.status).toBe(200);
    expect(t.sandbox.requestsTo('/feyin').filter((request) => request.path.includes('cancel'))).toEqual([]);
  });
});
