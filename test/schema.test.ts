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
    expect(sdl).toMatch(/printer\(deviceNo: ID!\): Printer\n/);
    expect(sdl).toMatch(/printMessage\(msgNo: ID!\): PrintMessage\n/);
  });
});
