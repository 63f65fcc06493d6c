import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

/** CI installs Debian's chromium (.ci/run); elsewhere the browser tests say why they did not run. */
export const chromiumAvailable = existsSync(CHROMIUM) || process.env.CI === 'true';

/** Debian's Chromium, headless and offline: never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * Opens GraphiQL's tab named `tab` on an open GraphiQL page and runs it once the editor shows
 * `document` (GraphiQL takes the operation name from the editor); the result pane.
 */
export async function runGraphiqlTab(page: Page, tab: string, document: string): Promise<Locator> {
  await page.locator('.graphiql-tab', { hasText: tab }).click();
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await expect.poll(() => editor.innerText(), { timeout: 5_000 }).toContain(document);
  await page.waitForTimeout(300);
  await page.locator('.graphiql-execute-button').click();
  return page.locator('.result-window');
}
