import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument } from './__generated__/graphql.js';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { tempDir } from './helpers/cleanup.js';
import { chromiumAvailable, launchChromium, runGraphiqlTab } from './helpers/chromium.js';
import { startTestService, type TestService } from './helpers/service.js';

describe.runIf(chromiumAvailable)('GraphiQL in headless Chromium, offline', () => {
  let t: TestService;
  let browser: Browser;
  /** Screenshots for a developer to look at while the run lasts: in a temp folder, never the checkout. */
  let shots: string;

  beforeAll(async () => {
    shots = tempDir('vendor-ops-graphiql-screenshots-');
    t = await startTestService();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('loads with no request leaving this machine and runs a preloaded query', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const foreign: string[] = [];
    // Simulate a firewall: anything not served by the service itself fails.
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === t.url) return route.continue();
      foreign.push(url.href);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${t.url}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });

    // The first tab holds the printer-status example; run it with the execute button.
    const tabs = page.locator('.graphiql-tab');
    expect(await tabs.count()).toBeGreaterThanOrEqual(3);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await expect.poll(async () => result.innerText(), { timeout: 10_000 }).toContain('"status": "online"');
    expect(await result.innerText()).toContain(FEYIN_SEED.onlinePrinter);

    await page.screenshot({ path: join(shots, 'graphiql.png') }).catch(() => undefined);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('fetches the schema: the docs explorer lists Mutation.cancelPrintMessage, autocomplete offers fields, no error shows', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${message.text()} ${message.location().url}`);
    });
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(`${t.url}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });

    // The docs explorer: root types, then the mutation type's fields.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.locator('.graphiql-doc-explorer-type-name', { hasText: /^Mutation$/ }).click({ timeout: 10_000 });
    await expect.poll(() => docs.locator('.graphiql-doc-explorer-title').innerText(), { timeout: 5_000 }).toBe('Mutation');
    await docs.locator('.graphiql-doc-explorer-field-name', { hasText: /^cancelPrintMessage$/ }).waitFor({ timeout: 5_000 });

    // Autocomplete in a fresh tab: typing `{ pri` offers `printer`.
    await page.locator('.graphiql-tab-add').click();
    const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ pri', { delay: 30 });
    const hints = page.locator('.CodeMirror-hints .CodeMirror-hint');
    await expect.poll(() => hints.allInnerTexts(), { timeout: 5_000 }).toContain('printer');

    await page.screenshot({ path: join(shots, 'graphiql-docs-autocomplete.png') });
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('Error fetching schema');
    expect(await page.locator('.graphiql-doc-explorer-error').count()).toBe(0);
    expect(refused).toEqual([]);
    expect(problems).toEqual([]);
    // The page's schema requests (and the first test's query) are counted, none as a failure.
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const operations = metrics.split('\n').filter((line) => line.startsWith('graphql_operations_total{'));
    expect(operations.some((line) => line.includes('operation="IntrospectionQuery"'))).toBe(true);
    expect(operations.filter((line) => !line.includes('outcome="OK"'))).toEqual([]);
    await context.close();
  });
  it('runs the PrintMessageUpdated tab as a live subscription over the WebSocket: the current state, then the cancel', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${t.url}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });

    // The example's msgNo is a queued seed message: first event queued.
    const msgNo = FEYIN_SEED.queuedMessages[1]!;
    const result = await runGraphiqlTab(page, 'PrintMessageUpdated', 'printMessageUpdated');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"status": "queued"');
    expect(await result.innerText()).toContain(msgNo);

    // Cancelled through the API: the open tab shows the change without running anything again.
    const cancel = await t.gql(CancelPrintMessageDocument, { msgNo });
    expect(cancel.data?.cancelPrintMessage.cancelled).toBe(true);
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('"status": "cancelled"');

    await page.screenshot({ path: join(shots, 'graphiql-subscription.png') });
    expect(problems).toEqual([]);
    await context.close();
  });
});
