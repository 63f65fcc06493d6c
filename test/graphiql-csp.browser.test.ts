import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument } from './__generated__/graphql.js';
import { GRAPHIQL_CSP } from '../src/server/graphiql.js';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { chromiumAvailable, launchChromium, runGraphiqlTab } from './helpers/chromium.js';
import { startTestService, type TestService } from './helpers/service.js';

/** What the page reported against its policy: `securitypolicyviolation` events and the console's CSP errors. */
interface Watched {
  page: Page;
  violations(): Promise<string[]>;
  problems: string[];
  sockets: string[];
  /** The bodies of the page's POST /graphql requests. */
  posts: string[];
}

describe.runIf(chromiumAvailable)('GraphiQL under its Content-Security-Policy, in headless Chromium', () => {
  let t: TestService;
  let browser: Browser;
  let screenshots: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    screenshots = mkdtempSync(join(tmpdir(), 'graphiql-csp-'));
    t = await startTestService();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.stop();
    rmSync(screenshots, { recursive: true, force: true });
  });

  async function open(): Promise<Watched> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    // Listening before any of the page's own scripts run.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`),
      );
    });
    const watched: Watched = {
      page,
      violations: () => page.evaluate(() => [...(window as unknown as { cspViolations: string[] }).cspViolations]),
      problems: [],
      sockets: [],
      posts: [],
    };
    page.on('pageerror', (error) => watched.problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') watched.problems.push(message.text());
    });
    page.on('websocket', (socket) => watched.sockets.push(socket.url()));
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') watched.posts.push(request.postData() ?? '');
    });
    const response = await page.goto(`${t.url}/graphql`);
    expect(response?.headers()['content-security-policy']).toBe(GRAPHIQL_CSP);
    await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });
    return watched;
  }

  it('runs the docs explorer, a query and a live subscription over the WebSocket with no CSP violation', async () => {
    const { page, violations, problems, sockets } = await open();

    // The docs explorer lists the schema GraphiQL fetched.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.locator('.graphiql-doc-explorer-type-name', { hasText: /^Mutation$/ }).click({ timeout: 10_000 });
    await docs.locator('.graphiql-doc-explorer-field-name', { hasText: /^cancelPrintMessage$/ }).waitFor({ timeout: 5_000 });

    // The first tab's query (a printer's status), over POST.
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"status": "online"');

    // The PrintMessageUpdated tab: its first event is the queued message, then the cancel shows.
    const msgNo = FEYIN_SEED.queuedMessages[1]!;
    await runGraphiqlTab(page, 'PrintMessageUpdated', 'printMessageUpdated');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"status": "queued"');
    expect((await t.gql(CancelPrintMessageDocument, { msgNo })).data?.cancelPrintMessage.cancelled).toBe(true);
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"status": "cancelled"');
    expect(sockets).toEqual([`${t.url.replace(/^http/, 'ws')}/graphql`]);

    await page.screenshot({ path: join(screenshots, 'graphiql-under-csp.png') });
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('enforces the policy: an injected inline script, a foreign script and a call to another origin are refused, and reported', async () => {
    const { page, violations } = await open();
    const foreign = 'http://localhost:9/';
    const outcome = await page.evaluate(async (foreign) => {
      const inline = document.createElement('script');
      inline.textContent = 'window.injected = true';
      document.body.append(inline);
      const external = document.createElement('script');
      external.src = `${foreign}x.js`;
      document.body.append(external);
      const called = await fetch(foreign).then(
        () => 'answered',
        () => 'refused',
      );
      return { injected: (window as unknown as { injected?: boolean }).injected ?? false, called };
    }, foreign);
    expect(outcome).toEqual({ injected: false, called: 'refused' });
    await expect
      .poll(violations)
      .toEqual([
        expect.stringMatching(/^script-src-elem blocked inline/),
        expect.stringMatching(new RegExp(`^script-src-elem blocked ${foreign}x.js`)),
        expect.stringMatching(new RegExp(`^connect-src blocked ${foreign}`)),
      ]);
  });

  it("the page's fetcher, without GraphiQL's parsed document, sends an operation starting with comments then `subscription` over the WebSocket and a query with POST", async () => {
    const { page, violations, sockets, posts } = await open();
    const subscription = `\n  # the printer, live\n  # (first event: its state now)\n  subscription Watch { printerUpdated(deviceNo: "${FEYIN_SEED.onlinePrinter}") { deviceNo status } }`;
    const query = `# a subscription? no:\nquery Look { printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { deviceNo status } }`;
    const outcome = await page.evaluate(
      async ({ subscription, query }) => {
        // The page script's own fetcher (a global function), called as GraphiQL calls it for a document it could not parse.
        const { fetcher } = window as unknown as { fetcher(params: { query: string }, opts: object): Promise<unknown> };
        const run = async (text: string) => {
          const result = await fetcher({ query: text }, { headers: {} });
          if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
            for await (const event of result as AsyncIterable<unknown>) return { over: 'ws', event };
          }
          return { over: 'post', event: result };
        };
        return { subscription: await run(subscription), query: await run(query) };
      },
      { subscription, query },
    );
    const printer = { deviceNo: FEYIN_SEED.onlinePrinter, status: 'online' };
    expect(outcome).toEqual({
      subscription: { over: 'ws', event: { data: { printerUpdated: printer } } },
      query: { over: 'post', event: { data: { printer } } },
    });
    expect(sockets).toEqual([`${t.url.replace(/^http/, 'ws')}/graphql`]);
    expect(posts.filter((body) => body.includes('Watch'))).toEqual([]);
    expect(posts.filter((body) => body.includes('Look'))).toHaveLength(1);
    expect(await violations()).toEqual([]);
  });
});
