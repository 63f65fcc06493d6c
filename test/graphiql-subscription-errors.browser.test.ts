import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { chromiumAvailable, launchChromium, runGraphiqlTab } from './helpers/chromium.js';
import { eventually } from './helpers/eventually.js';
import { startTestService, type TestService } from './helpers/service.js';
import { subscriber, type Subscriber } from './helpers/subscriber.js';
import { TEST_JWT_SECRET } from './helpers/tokens.js';

/** Opens GraphiQL, runs its PrintMessageUpdated tab (a subscription) and returns the result pane's text once it holds `expected`. */
async function runSubscriptionTab(page: Page, url: string, expected: string): Promise<string> {
  await page.goto(`${url}/graphql`);
  await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });
  const result = await runGraphiqlTab(page, 'PrintMessageUpdated', 'printMessageUpdated');
  await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain(expected);
  return result.innerText();
}

describe.runIf(chromiumAvailable)("GraphiQL shows the server's reason when it refuses a subscription", () => {
  let browser: Browser;
  let screenshots: string;
  const services: TestService[] = [];
  const held: Subscriber[] = [];

  beforeAll(async () => {
    screenshots = mkdtempSync(join(tmpdir(), 'graphiql-refusals-'));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    for (const made of held) await made.dispose();
    await browser?.close();
    for (const t of services) await t.stop();
    rmSync(screenshots, { recursive: true, force: true });
  });

  it('no token (caller auth on): the 4401 close reason, as UNAUTHENTICATED, not {"isTrusted":true}', async () => {
    const t = await startTestService({ env: { AUTH_DISABLED: 'false', AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    services.push(t);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    const text = await runSubscriptionTab(page, t.url, 'UNAUTHENTICATED');
    await page.screenshot({ path: join(screenshots, 'no-token.png') });
    expect(text).toContain('Missing bearer token');
    expect(text).toContain('"closeCode": 4401');
    expect(text).not.toContain('isTrusted');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('over SUBSCRIPTIONS_MAX: the SERVICE_UNAVAILABLE error, retryable, with its message', async () => {
    const t = await startTestService({ env: { SUBSCRIPTIONS_MAX: '1' } });
    services.push(t);
    // The one place is taken by another client.
    const other = subscriber(t.url);
    held.push(other);
    const taken = other.subscribe('subscription($m: ID!) { printMessageUpdated(msgNo: $m) { status } }', {
      m: FEYIN_SEED.queuedMessages[0],
    });
    await eventually(() => taken.events.length === 1, { what: "the other client's first event" });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();

    const text = await runSubscriptionTab(page, t.url, 'SERVICE_UNAVAILABLE');
    await page.screenshot({ path: join(screenshots, 'over-limit.png') });
    expect(text).toContain('SUBSCRIPTIONS_MAX');
    expect(text).toContain('"retryable": true');
    await context.close();
  }, 60_000);
});
