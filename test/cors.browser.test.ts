import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { startTestService, type TestService } from './helpers/service.js';

interface Seen {
  method: string;
  origin?: string;
  contentType?: string;
  /** The service's answer, once sent. */
  status?: number;
}

/** What a page's `fetch` came back with, or the browser's refusal. */
type FetchOutcome = { status: number; body: string; requestId: string | null } | { error: string };

describe.runIf(chromiumAvailable)('CORS in headless Chromium: a frontend on another localhost port calls the subgraph', () => {
  let t: TestService;
  let browser: Browser;
  let frontend: Server;
  let frontendPort: number;
  const seen: Seen[] = [];

  beforeAll(async () => {
    t = await startTestService({ env: { CORS_ORIGINS: 'http://localhost:*' } });
    // What reached the service (an extra listener records, the service's own handler answers).
    t.service.server.http.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const request: Seen = { method: req.method ?? '', origin: req.headers.origin, contentType: req.headers['content-type'] };
      seen.push(request);
      res.on('finish', () => (request.status = res.statusCode));
    });
    // The frontend: any page on its own port; all dual-stack, so `localhost` and `127.0.0.1` both reach it.
    frontend = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>frontend</title><p>frontend</p>');
    });
    await new Promise<void>((resolve) => frontend.listen(0, resolve));
    frontendPort = (frontend.address() as AddressInfo).port;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => frontend?.close(resolve));
    await t?.stop();
  });

  /** Opens the frontend at `origin` and runs `fetch(/graphql)` there with `init`. */
  async function fetchFrom(origin: string, init: { contentType: string; query: string; mode?: 'cors' | 'no-cors' }): Promise<FetchOutcome> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      return await page.evaluate(
        async ({ url, contentType, query, mode }) => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              mode,
              headers: { 'content-type': contentType },
              body: JSON.stringify({ query }),
            });
            return { status: response.status, body: await response.text(), requestId: response.headers.get('x-request-id') };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { url: `${t.url}/graphql`, ...init, mode: init.mode ?? 'cors' },
      );
    } finally {
      await context.close();
    }
  }

  const printerQuery = `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { deviceNo status } }`;

  it('an allowed origin (http://localhost:<port>) gets the data, after a preflight for its JSON content type', async () => {
    const origin = `http://localhost:${frontendPort}`;
    seen.length = 0;
    const outcome = await fetchFrom(origin, { contentType: 'application/json', query: printerQuery });
    expect(outcome).toMatchObject({ status: 200 });
    const { body, requestId } = outcome as { body: string; requestId: string | null };
    expect(JSON.parse(body)).toEqual({ data: { printer: { deviceNo: FEYIN_SEED.onlinePrinter, status: 'online' } } });
    // Exposed to the page, so a frontend can quote it in a support request.
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.map(({ method, origin: from }) => `${method} ${from}`)).toEqual([`OPTIONS ${origin}`, `POST ${origin}`]);
  });

  it('a disallowed origin (http://127.0.0.1:<port>) is blocked by the browser after the preflight: the request is never sent', async () => {
    const origin = `http://127.0.0.1:${frontendPort}`;
    seen.length = 0;
    const outcome = await fetchFrom(origin, { contentType: 'application/json', query: printerQuery });
    expect(outcome).toEqual({ error: expect.stringContaining('Failed to fetch') });
    expect(seen.map(({ method }) => method)).toEqual(['OPTIONS']);
  });

  it('a CSRF-style simple request (text/plain, no preflight) reaches the service and is refused by CSRF prevention', async () => {
    const mutation = `mutation { cancelPrintMessage(msgNo: "${FEYIN_SEED.queuedMessages[1]}") { cancelled } }`;
    // From a foreign site: the browser sends it without asking and hides the answer.
    seen.length = 0;
    const foreign = await fetchFrom(`http://127.0.0.1:${frontendPort}`, { contentType: 'text/plain', query: mutation, mode: 'no-cors' });
    expect(foreign).toMatchObject({ status: 0, body: '' });
    expect(seen.map(({ method, contentType, status }) => `${method} ${contentType} ${status}`)).toEqual(['POST text/plain 400']);
    // From the allowed origin the page may read why.
    const allowed = await fetchFrom(`http://localhost:${frontendPort}`, { contentType: 'text/plain', query: mutation });
    expect(allowed).toMatchObject({ status: 400, body: expect.stringContaining('Cross-Site Request Forgery') });
    // Neither reached Feyin: the message is still queued.
    expect(t.sandbox.requestsTo('/feyin').filter((request) => request.path.endsWith('/cancel'))).toEqual([]);
  });
});
