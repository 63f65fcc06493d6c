import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './helpers/service.js';

describe('HTTP surface', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('answers /health and /ready', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('serves GraphiQL to a browser, with its assets from node_modules', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="graphiql">');
    // data: URLs (the empty favicon) are no request at all.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((source) => !source.startsWith('data:'));
    expect(sources.length).toBe(5); // React, ReactDOM, GraphiQL and its CSS, the graphql-ws client
    for (const source of sources) {
      expect(source.startsWith('/')).toBe(true); // no CDN, no external font
      const asset = await fetch(`${t.url}${source}`);
      expect(asset.status).toBe(200);
      expect(Number(asset.headers.get('content-length'))).toBeGreaterThan(1000);
    }
    expect(html).toContain('CancelPrintMessage');
  });

  it('echoes or assigns a request id', async () => {
    const given = await fetch(`${t.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const assigned = await fetch(`${t.url}/health`);
    expect(assigned.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a request body over 100 kB with 413 before parsing it', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ printer(deviceNo: "${'x'.repeat(200_000)}") { status } }` }),
    });
    expect(response.status).toBe(413);
    expect(t.sandbox.requestsTo('/feyin')).toHaveLength(0);
  });

  it('refuses batched requests', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${t.url}/nope`)).status).toBe(404);
  });
});

describe('stack traces', () => {
  it('are hidden in production and in development, shown only with DEBUG_ERRORS=true', async () => {
    const production = await startTestService({ env: { NODE_ENV: 'production', AUTH_DISABLED: 'true' } });
    const development = await startTestService({ env: { NODE_ENV: 'development' } });
    const debugging = await startTestService({ env: { NODE_ENV: 'development', DEBUG_ERRORS: 'true' } });
    try {
      for (const t of [production, development]) {
        const answer = await t.gql('{ nope }');
        expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(JSON.stringify(answer.errors)).not.toContain('stacktrace');
      }
      expect(JSON.stringify((await debugging.gql('{ nope }')).errors)).toContain('stacktrace');
    } finally {
      await Promise.all([production.stop(), development.stop(), debugging.stop()]);
    }
  });

  it('serves no GraphiQL and answers no introspection unless GRAPHIQL / INTROSPECTION say so', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const closed = await startTestService({ env: { NODE_ENV: 'production', AUTH_DISABLED: 'true' } });
    try {
      const page = await fetch(`${closed.url}/graphql`, { headers: html });
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await page.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0].extensions).toEqual({ code: 'NOT_FOUND', retryable: false });
      expect(body.errors[0].message).toMatch(/GRAPHIQL=true/);
      for (const asset of ['graphiql.js', 'graphiql.css', 'react.js', 'react-dom.js']) {
        expect((await fetch(`${closed.url}/graphql/assets/${asset}`)).status).toBe(404);
      }
      const introspection = await closed.gql('{ __schema { queryType { name } } }');
      expect(introspection.status).toBe(400);
      expect(introspection.data).toBeUndefined();
      expect(introspection.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
      // A router composes from _service.sdl, which is not introspection and stays available.
      expect((await closed.gql<{ _service: { sdl: string } }, never>('{ _service { sdl } }')).data?._service.sdl).toContain(
        'cancelPrintMessage',
      );
    } finally {
      await closed.stop();
    }
    const open = await startTestService({
      env: { NODE_ENV: 'production', AUTH_DISABLED: 'true', GRAPHIQL: 'true', INTROSPECTION: 'true' },
    });
    try {
      const page = await fetch(`${open.url}/graphql`, { headers: html });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="graphiql">');
      expect((await fetch(`${open.url}/graphql/assets/graphiql.js`)).status).toBe(200);
      expect((await open.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await open.stop();
    }
  });
});
