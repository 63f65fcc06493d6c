import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery, parse, validate, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitRules } from '../../src/server/limits.js';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { buildSubgraph, fieldCostsOf } from '../../src/graphql/schema.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** 864 bytes at 21 levels: fragment N spreads fragment N-1 twice, so the query expands to 2^levels printers. */
function doublingFragments(levels: number): string {
  let text = 'fragment F0 on Query { printer(deviceNo: "1") { status } }';
  for (let i = 1; i <= levels; i += 1) text += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
  return `query Doubling { ...F${levels} } ${text}`;
}

const COST_REFUSED = /estimated cost is .+; at most 500 is allowed/;

describe('request limits', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('refuses a 40-level deep query before executing it', async () => {
    // _entities → Machine → pickupCodes → machine → pickupCodes … nests as deep as asked.
    let selection = 'machineNo';
    for (let i = 0; i < 20; i += 1) selection = `pickupCodes(productId: "501") { machine { ${selection} } }`;
    const answer = await t.gql(`{ machine(machineNo: "10000001") { ${selection} } }`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toMatch(/levels deep; at most 10/);
    expect(t.sandbox.requestsTo('/pickup')).toHaveLength(0);
  });

  it('refuses 500 printers by alias before any vendor call', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `p${i}: printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status }`).join(' ');
    const answer = await t.gql(`{ ${aliases} }`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toMatch(/estimated cost is 5000; at most 500/);
    expect(t.sandbox.requestsTo('/feyin')).toHaveLength(0);
  });

  it('counts fragments too', async () => {
    const spreads = Array.from({ length: 60 }, (_, i) => `a${i}: printer(deviceNo: "1") { ...P }`).join(' ');
    const answer = await t.gql(`{ ${spreads} } fragment P on Printer { status }`);
    expect(answer.errors?.[0]?.message).toMatch(/estimated cost is 600;/);
  });

  it('lets a normal query through', async () => {
    const answer = await t.gql(
      `{ a: printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } b: printer(deviceNo: "${FEYIN_SEED.offlinePrinter}") { status } }`,
    );
    expect(answer.errors).toBeUndefined();
  });

  it('refuses a 2 MB argument with 413 and no vendor call', async () => {
    const before = t.sandbox.requests.length;
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }',
        variables: { m: 'x'.repeat(2 * 1024 * 1024) },
      }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(t.sandbox.requests.length).toBe(before);
  });
});

describe('hostile documents are measured in time proportional to their size', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildSubgraph();
  });
  const rules = () => limitRules({ maxDepth: 10, maxCost: 500, fieldCosts: fieldCostsOf() });

  it('walks each fragment once: 16 and 30 levels of doubling fragments each take well under 50 ms', () => {
    // 16 levels took 0.3 s when every spread re-walked its fragment (and 30 levels hours), so this fails fast on that code.
    for (const levels of [16, 30]) {
      const document = parse(doublingFragments(levels));
      const started = performance.now();
      const errors = validate(schema, document, rules());
      const elapsed = performance.now() - started;
      expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(COST_REFUSED)]);
      expect(elapsed).toBeLessThan(50);
    }
  });

  it('saturates the cost instead of growing without bound', () => {
    // 1,000 spreads of a fragment asking for 1,000 printers: a million, counted without expanding anything.
    const printers = Array.from({ length: 1_000 }, (_, i) => `p${i}: printer(deviceNo: "1") { status }`).join(' ');
    const [saturated] = validate(schema, parse(`{ ${'...Wide '.repeat(1_000)} } fragment Wide on Query { ${printers} }`), rules());
    expect(saturated.message).toBe(
      "The query's estimated cost is at least 1000000; at most 500 is allowed per request (see @cost and @listSize)",
    );
  });

  it('refuses a document whose walk would be too long or too deep, whatever it costs', () => {
    // 300 fragments in a chain: one field in the end, but 300 nested walks (and a deep stack) to find it.
    let chain = 'fragment C0 on Query { __typename }';
    for (let i = 1; i <= 300; i += 1) chain += ` fragment C${i} on Query { ...C${i - 1} }`;
    const wide = `{ ${Array.from({ length: 12_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    for (const document of [`{ ...C300 } ${chain}`, wide]) {
      const errors = validate(schema, parse(document), rules());
      expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^The query is too large to accept: over 10000 selections/)]);
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
    }
  });

  it('does not count introspection, but still counts a real field placed below it', () => {
    expect(validate(schema, parse(getIntrospectionQuery()), rules())).toEqual([]);
    const typenames = Array.from({ length: 60 }, (_, i) => `t${i}: __typename`).join(' ');
    expect(validate(schema, parse(`mutation { ${typenames} }`), rules())).toEqual([]);
    // Other rules refuse this document (Query cannot appear inside __Schema); the measure alone would still catch it.
    const hidden = Array.from({ length: 60 }, (_, i) => `p${i}: printer(deviceNo: "1") { status }`).join(' ');
    const errors = validate(schema, parse(`{ __schema { ... on Query { ${hidden} } } }`), rules());
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/estimated cost is 600;/)]);
  });
});

describe('introspection through HTTP', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it("answers GraphiQL's introspection query, and /metrics counts no failure for it", async () => {
    const answer = await t.gql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(answer.errors).toBeUndefined();
    expect(answer.status).toBe(200);
    const types = (answer.data as { __schema: { types: Array<{ name: string }> } }).__schema.types.map((type) => type.name);
    expect(types).toEqual(expect.arrayContaining(['Query', 'Mutation', 'Printer']));
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const operations = metrics.split('\n').filter((line) => line.startsWith('graphql_operations_total{'));
    expect(operations).toEqual([
      expect.stringMatching(/^graphql_operations_total\{operation="IntrospectionQuery",outcome="OK",transport="http"\} 1$/),
    ]);
  });

  it('refuses real fields hidden inside __schema or __type, before any vendor call', async () => {
    const hidden = 'printer(deviceNo: "1") { status }';
    for (const query of [
      `{ __schema { ... on Query { ${hidden} } } }`,
      `{ __type(name: "Query") { ...Hidden } } fragment Hidden on Query { ${hidden} }`,
      `{ __schema { queryType { ... on Query { ${hidden} } } } }`,
    ]) {
      const answer = await t.gql(query);
      expect(answer.status).toBe(400);
      expect(answer.data).toBeUndefined();
    }
    expect(t.sandbox.requestsTo('/feyin')).toHaveLength(0);
  });

  it('lets __typename through free of cost, even 60 times on a mutation', async () => {
    const answer = await t.gql(`mutation { ${Array.from({ length: 60 }, (_, i) => `t${i}: __typename`).join(' ')} }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ t0: 'Mutation', t59: 'Mutation' });
  });
});

describe('a hostile document does not block the process', () => {
  let service: ChildService;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-limits-'));
    service = await spawnService({ DATA_DIR: dataDir });
  }, 30_000);
  afterAll(async () => {
    // kill -9: a process stuck in validation never reaches its SIGTERM handler.
    await service?.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (query: string) =>
    fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(5_000),
    });
  /** The largest event-loop delay since the previous scrape (prom-client resets it on every scrape). */
  const eventLoopLagMaxMs = async () => {
    const text = await (await fetch(`${service.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const seconds = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
    expect(seconds).toBeDefined();
    return Number(seconds) * 1000;
  };

  it('refuses 30 levels of doubling fragments with HTTP 400 while /health answers; the event loop never stalls 50 ms', async () => {
    const attempt = async () => {
      const hostile = post(doublingFragments(30));
      const health = fetch(`${service.url}/health`, { signal: AbortSignal.timeout(2_000) });
      const [refused, healthy] = await Promise.all([hostile, health]);
      expect(healthy.status).toBe(200);
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0].message).toMatch(COST_REFUSED);
    };
    await attempt(); // warms the process: the first request compiles the request path
    await eventLoopLagMaxMs();
    await attempt();
    const lagMs = await eventLoopLagMaxMs();
    // Sampled every 10 ms: a window shorter than that may hold no sample (0), but a stall always lengthens it.
    expect(lagMs).toBeGreaterThanOrEqual(0);
    expect(lagMs).toBeLessThan(50);
  }, 30_000);
});
