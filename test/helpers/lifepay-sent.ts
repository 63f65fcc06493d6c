import type { VendorSandbox } from '../../src/sandbox/index.js';

/** The X-report bodies the LifePay simulator received for `extId`, as sent (the same text on every retry). */
export function lifepayBodiesFor(sandbox: VendorSandbox, extId: string): string[] {
  return sandbox
    .requestsTo('/lifepay')
    .map((request) => request.body)
    .filter((body) => body.includes(`"${extId}"`));
}
