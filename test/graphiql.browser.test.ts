import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { startTestService, type TestService } from './helpers/service.js';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run); elsewhere the test says why it did not run.
const available = existsSync(CHROMIUM) || process.env.CI === 'true';

describe.runIf(available)('GraphiQL in headless Chromium, offline', () => {
  let t: TestService;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestService();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
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

    await page.screenshot({ path: 'test/__screenshots__/graphiql.png' }).catch(() => undefined);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
