import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
