import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LIFEPAY_SEED } from '../../src/sandbox/index.js';
import { freePort } from '../../scripts/free-port.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * In sandbox mode with no PUBLIC_URL, the simulated LifePay calls back to the service itself, as
 * the real one calls back to PUBLIC_URL: an X-report goes ACCEPTED, then PROCESSED on its own.
 */
describe('the sandbox LifePay calls back without PUBLIC_URL', () => {
  let dataDir: string;
  let service: RunningService;
  const logs = new LogCapture();

  const gql = async (query: string) => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-sandbox-callbacks-'));
    const port = await freePort();
    service = await startService(
      loadConfig({ VENDOR_MODE: 'sandbox', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }),
      logs.logger,
    );
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a callback URL on loopback and reaches PROCESSED with the notification stored', async () => {
    const serial = LIFEPAY_SEED.register;
    const sent = await gql(
      `mutation { printXReport(input: { targetSerial: "${serial}", extId: "SANDBOX-CB-1" }) { document { status } } }`,
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.printXReport.document.status).toBe('ACCEPTED');
    const processed = await eventually(
      async () => {
        const answer = await gql('{ fiscalDocument(extId: "SANDBOX-CB-1") { status notifiedAt notification } }');
        const document = answer.data!.fiscalDocument;
        return document.status === 'PROCESSED' ? document : undefined;
      },
      { timeoutMs: 5_000, what: 'the sandbox LifePay callback' },
    );
    expect(processed.notifiedAt).not.toBeNull();
    expect(processed.notification).toContain('SANDBOX-CB-1');
    expect(logs.text).toMatch(/LifePay callback stored/);
  });
});
