import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './helpers/service.js';

describe('the committed schema', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('equals what the running service answers for { _service { sdl } }', async () => {
    const answer = await t.gql<{ _service: { sdl: string } }, Record<string, never>>('{ _service { sdl } }');
    const committed = readFileSync('schema/subgraph.graphql', 'utf8');
    expect(`${answer.data?._service.sdl}\n`).toBe(committed);
  });

  it('keeps every name of the public contract', async () => {
    const sdl = readFileSync('schema/subgraph.graphql', 'utf8');
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2');
    expect(sdl).toMatch(/type Printer\s+@key\(fields: "deviceNo"\)/);
    expect(sdl).toMatch(/type PrintMessage\s+@key\(fields: "msgNo"\)/);
    expect(sdl).toMatch(/cancelPrintMessage\(msgNo: ID!\): CancelPrintMessagePayload!/);
    expect(sdl).toMatch(/printer\(deviceNo: ID!\): Printer( @[^\n]*)?\n/);
    expect(sdl).toMatch(/printMessage\(msgNo: ID!\): PrintMessage( @[^\n]*)?\n/);
    expect(sdl).toMatch(/type FiscalRegister\s+@key\(fields: "serial"\)/);
    expect(sdl).toMatch(/type FiscalDocument\s+@key\(fields: "extId"\)/);
    expect(sdl).toMatch(/fiscalDocument\(extId: ID!\): FiscalDocument( @[^\n]*)?\n/);
    expect(sdl).toMatch(/printXReport\(input: PrintXReportInput!\): PrintXReportPayload!/);
    for (const field of [
      'extId: ID!',
      'uuid: ID',
      'kind: FiscalDocumentKind!',
      'status: FiscalDocumentStatus!',
      'attempts: Int!',
      'nextAttemptAt: DateTime',
      'lastError: String',
      'register: FiscalRegister',
      'test: Boolean!',
    ]) {
      expect(sdl).toContain(`  ${field}\n`);
    }
    for (const field of ['targetSerial: String', 'login: String', 'extId: String', 'test: Boolean', 'callbackData: JSON'])
      expect(sdl).toContain(`  ${field}\n`);
    expect(sdl).toMatch(/enum FiscalDocumentStatus \{[^}]*ACCEPTED[^}]*RETRY_SCHEDULED[^}]*PROCESSED[^}]*FAILED/);
  });
});
