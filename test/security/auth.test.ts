import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument, PrinterStatusDocument } from '../__generated__/graphql.js';
import { CallerAuth } from '../../src/auth/caller-auth.js';
import { loadConfig } from '../../src/config.js';
import { FEYIN_SEED, LIFEPAY_SEED, PICKUP_SEED } from '../../src/sandbox/index.js';
import { freePort } from '../../scripts/free-port.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { ALL_SCOPES, TEST_JWT_SECRET, mintToken, type TokenOptions } from '../helpers/tokens.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const nowSec = () => Math.floor(Date.now() / 1000);

describe('caller authentication and scopes (HS256)', () => {
  let t: TestService;
  const vendorCalls = () => t.sandbox.requests.length;

  beforeAll(async () => {
    t = await startTestService({
      env: {
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        AUTH_ISSUER: 'https://id.example',
        AUTH_AUDIENCE: 'vendor-ops',
        ROUTER_SECRET: 'router-shared-secret-xyz',
      },
    });
  });
  afterAll(() => t.stop());

  const router = { 'router-authorization': 'router-shared-secret-xyz' };
  const good = (scope = ALL_SCOPES, extra: Record<string, unknown> = {}) =>
    mintToken({ scope, issuer: 'https://id.example', audience: 'vendor-ops', ...extra });
  const signed = async (scope: string, extra: TokenOptions) => ({ ...router, ...bearer(await good(scope, { ...extra })) });
  const readPrinter = (headers: Record<string, string>) => t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, headers);

  it.each([
    ['no token', async () => ({ ...router })],
    [
      'a token signed with another key',
      async () => ({ ...router, ...bearer(await good(ALL_SCOPES, { secret: 'another-key-another-key-another-key!' })) }),
    ],
    [
      'an expired token',
      async () => ({ ...router, ...bearer(await good(ALL_SCOPES, { expiresIn: Math.floor(Date.now() / 1000) - 120 })) }),
    ],
    [
      'a token not valid yet',
      async () => ({ ...router, ...bearer(await good(ALL_SCOPES, { notBefore: Math.floor(Date.now() / 1000) + 600 })) }),
    ],
    ['a token without exp', () => signed(ALL_SCOPES, { expiresIn: null })],
    ['a token expiring in 100 years', () => signed(ALL_SCOPES, { expiresIn: '100y' })],
    ['a token without iat expiring in 100 years', () => signed(ALL_SCOPES, { expiresIn: '100y', issuedAt: null })],
    // Lifetime counts from iat: issued 30 h ago for 31 h, it has 1 h left but was minted to live too long.
    ['a 31 h token issued 30 h ago', () => signed(ALL_SCOPES, { issuedAt: nowSec() - 30 * 3600, expiresIn: nowSec() + 3600 })],
    [
      'a token for another audience',
      async () => ({ ...router, ...bearer(await mintToken({ scope: ALL_SCOPES, issuer: 'https://id.example', audience: 'billing' })) }),
    ],
    ['a missing router secret', async () => bearer(await good())],
    ['a wrong router secret', async () => ({ 'router-authorization': 'router-shared-secret-xyZ', ...bearer(await good()) })],
  ])('%s is refused with 401 and no vendor call', async (_name, headers) => {
    const before = vendorCalls();
    const answer = await t.gql(
      CancelPrintMessageDocument,
      { msgNo: FEYIN_SEED.queuedMessages[0] },
      (await headers()) as Record<string, string>,
    );
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(vendorCalls()).toBe(before);
  });

  it('tokens must expire: the message names the rule, never the token', async () => {
    const token = await good(ALL_SCOPES, { expiresIn: null });
    const noExp = await readPrinter({ ...router, ...bearer(token) });
    expect(noExp.errors?.[0]?.message).toBe('The bearer token has no valid expiry (exp claim): tokens must expire');
    const long = await readPrinter(await signed(ALL_SCOPES, { expiresIn: '100y' }));
    expect(long.status).toBe(401);
    expect(long.errors?.[0]?.message).toBe('The bearer token lives longer than the 86400 s this service accepts (AUTH_MAX_TOKEN_AGE)');
    expect(t.logs.text).not.toContain(token.split('.')[2]);
  });

  it.each([
    ['a 23 h token', { expiresIn: '23h' }],
    ['a 23 h token without iat', { expiresIn: '23h', issuedAt: null }],
    ['a 24 h token issued now', { expiresIn: '24h' }],
  ] as const)('%s is accepted', async (_name, options) => {
    const answer = await readPrinter(await signed('vendors:read', options));
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.printer?.status).toBe('online');
  });

  it('a token without the mutation scope gets FORBIDDEN, no vendor call', async () => {
    const before = vendorCalls();
    const answer = await t.gql(
      CancelPrintMessageDocument,
      { msgNo: FEYIN_SEED.queuedMessages[0] },
      { ...router, ...bearer(await good('vendors:read pickup:write')) },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors?.[0]?.message).toContain('printing:write');
    expect(vendorCalls()).toBe(before);
  });

  it('queries and _entities need vendors:read', async () => {
    const headers = { ...router, ...bearer(await good('printing:write')) };
    const before = vendorCalls();
    const query = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, headers);
    expect(query.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const entities = await t.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Printer { status } } }',
      { r: [{ __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter }] } as never,
      headers,
    );
    expect(entities.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(vendorCalls()).toBe(before);
  });

  it('the right scope works', async () => {
    // The example document also reads the message's status from Feyin: that part needs vendors:read.
    const headers = await signed('printing:write vendors:read', {});
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[0] }, headers);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelPrintMessage.cancelled).toBe(true);
    const read = await t.gql(
      PrinterStatusDocument,
      { deviceNo: FEYIN_SEED.onlinePrinter },
      { ...router, ...bearer(await good('vendors:read')) },
    );
    expect(read.data?.printer?.status).toBe('online');
  });

  it('health, readiness and metrics need no token', async () => {
    for (const path of ['/health', '/ready', '/metrics']) expect((await fetch(`${t.url}${path}`)).status).toBe(200);
  });
});

describe('scopes per field, wherever the field appears', () => {
  let t: TestService;
  beforeAll(async () => {
    // PUBLIC_URL lets LifePay's simulator post a callback, so there is a stored notification to protect.
    const port = await freePort();
    t = await startTestService({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  });
  afterAll(() => t.stop());

  const as = async (scope: string) => bearer(await mintToken({ scope }));
  const calls = (simulator: string, method: string, path: RegExp) =>
    t.sandbox.requestsTo(simulator).filter((r) => r.method === method && path.test(r.path)).length;
  const forbiddenPaths = (errors: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> | undefined) =>
    (errors ?? []).map((e) => [e.extensions?.code, e.path?.join('.')]);

  const cancelMessage = `mutation($msgNo: ID!) {
    cancelPrintMessage(msgNo: $msgNo) { cancelled message { msgNo status printedAt createdAt } }
  }`;

  it('printing:write cancels a message but cannot read its status from Feyin through the payload', async () => {
    const statusCalls = () => calls('/feyin', 'GET', /^\/msg\/[^/]+\/status$/);
    const cancels = () => calls('/feyin', 'POST', /^\/msg\/[^/]+\/cancel$/);
    const [statusBefore, cancelsBefore] = [statusCalls(), cancels()];
    const answer = await t.gql(cancelMessage, { msgNo: FEYIN_SEED.queuedMessages[1] } as never, await as('printing:write'));
    expect(forbiddenPaths(answer.errors)).toEqual([
      ['FORBIDDEN', 'cancelPrintMessage.message.status'],
      ['FORBIDDEN', 'cancelPrintMessage.message.printedAt'],
      ['FORBIDDEN', 'cancelPrintMessage.message.createdAt'],
    ]);
    expect(answer.errors?.[0]?.message).toBe('PrintMessage.status needs the "vendors:read" scope');
    const message = { msgNo: FEYIN_SEED.queuedMessages[1], status: null, printedAt: null, createdAt: null };
    expect(answer.data).toEqual({ cancelPrintMessage: { cancelled: true, message } });
    expect(cancels()).toBe(cancelsBefore + 1);
    expect(statusCalls()).toBe(statusBefore);

    const allowed = await t.gql(cancelMessage, { msgNo: FEYIN_SEED.queuedMessages[2] } as never, await as('printing:write vendors:read'));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toMatchObject({ cancelPrintMessage: { cancelled: true, message: { status: 'cancelled' } } });
    expect(statusCalls()).toBe(statusBefore + 1);
  });

  const cancelCodes = `mutation($machineNo: ID!, $id: ID, $productId: ID!) {
    cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $id) {
      scope pickupCodeId machine { machineNo pickupCodes(productId: $productId) { id code } }
    }
  }`;

  it('pickup:write cancels a code but cannot list redeemable codes through the payload', async () => {
    const listings = () => calls('/pickup', 'POST', /\/pickup_code$/);
    const cancels = () => calls('/pickup', 'PUT', /\/pickup_codes$/);
    const [listingsBefore, cancelsBefore] = [listings(), cancels()];
    const vars = { machineNo: PICKUP_SEED.onlineMachine, productId: PICKUP_SEED.productId };
    const answer = await t.gql(cancelCodes, { ...vars, id: PICKUP_SEED.unusedCodes[0] } as never, await as('pickup:write'));
    expect(forbiddenPaths(answer.errors)).toEqual([['FORBIDDEN', 'cancelPickupCodes.machine.pickupCodes']]);
    // The cancellation was made; pickupCodes and every field above it are non-null, so GraphQL nulls the payload.
    expect(answer.data ?? null).toBeNull();
    expect(cancels()).toBe(cancelsBefore + 1);
    expect(listings()).toBe(listingsBefore);

    const ownFields = `mutation($machineNo: ID!, $id: ID) {
      cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $id) { scope pickupCodeId machine { machineNo } }
    }`;
    const ownVars = { machineNo: PICKUP_SEED.onlineMachine, id: PICKUP_SEED.unusedCodes[1] } as never;
    const own = await t.gql(ownFields, ownVars, await as('pickup:write'));
    expect(own.errors).toBeUndefined();
    const machine = { machineNo: PICKUP_SEED.onlineMachine };
    expect(own.data).toEqual({ cancelPickupCodes: { scope: 'ONE', pickupCodeId: PICKUP_SEED.unusedCodes[1], machine } });
    expect(listings()).toBe(listingsBefore);

    const allowed = await t.gql(cancelCodes, { ...vars, id: PICKUP_SEED.unusedCodes[2] } as never, await as('pickup:write vendors:read'));
    expect(allowed.errors).toBeUndefined();
    type Listed = { cancelPickupCodes: { machine: { pickupCodes: Array<{ id: string; code: string }> } } };
    const codes = (allowed.data as Listed).cancelPickupCodes.machine.pickupCodes;
    expect(codes.length).toBeGreaterThan(0);
    expect(listings()).toBe(listingsBefore + 1);
  });

  const printXReport = `mutation($input: PrintXReportInput!) {
    printXReport(input: $input) { document { extId status notification register { serial documents(limit: 10) { extId notification } } } }
  }`;

  it("fiscal:write prints an X-report but cannot read the register's documents or stored callbacks through the payload", async () => {
    const reader = await as('vendors:read');
    const input = (extId: string) => ({ input: { targetSerial: LIFEPAY_SEED.register, extId } }) as never;
    const printOnly = 'mutation($input: PrintXReportInput!) { printXReport(input: $input) { document { extId } } }';
    await t.gql(printOnly, input('scoped-1'), await as('fiscal:write'));
    type Stored = { fiscalDocument: { notification: string | null } | null };
    const notified = await eventually(
      async () => {
        const answer = await t.gql<Stored, unknown>('{ fiscalDocument(extId: "scoped-1") { notification } }', undefined, reader);
        return answer.data?.fiscalDocument?.notification ?? undefined;
      },
      { what: 'the LifePay callback' },
    );
    expect(notified).toContain('scoped-1');

    const answer = await t.gql(printXReport, input('scoped-2'), await as('fiscal:write'));
    expect(forbiddenPaths(answer.errors)).toEqual([
      ['FORBIDDEN', 'printXReport.document.notification'],
      ['FORBIDDEN', 'printXReport.document.register.documents'],
    ]);
    // The document's own stored columns stay readable with fiscal:write; `documents` is non-null, so `register` is null.
    const document = { extId: 'scoped-2', status: 'ACCEPTED', notification: null, register: null };
    expect(answer.data).toEqual({ printXReport: { document } });

    const allowed = await t.gql(printXReport, input('scoped-3'), await as('fiscal:write vendors:read'));
    expect(allowed.errors).toBeUndefined();
    type Listed = { printXReport: { document: { register: { documents: Array<{ extId: string; notification: string | null }> } } } };
    const documents = (allowed.data as Listed).printXReport.document.register.documents;
    expect(documents.find((d) => d.extId === 'scoped-1')?.notification).toContain('scoped-1');
  });

  it('_service needs vendors:read, and then answers the SDL', async () => {
    const denied = await t.gql('{ _service { sdl } }', undefined, await as('printing:write pickup:write logistics:write fiscal:write'));
    expect(forbiddenPaths(denied.errors)).toEqual([['FORBIDDEN', '_service']]);
    expect(denied.data ?? null).toBeNull();
    const allowed = await t.gql<{ _service: { sdl: string } }, unknown>('{ _service { sdl } }', undefined, await as('vendors:read'));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?._service.sdl).toContain('type Machine');
  });
});

describe('caller authentication with a JWKS', () => {
  let jwks: Server;
  let keys: JWK[] = [];
  let fetches = 0;
  beforeAll(async () => {
    jwks = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => jwks.close(() => r())));

  const keyPair = async (kid: string) => {
    const pair = await generateKeyPair('RS256');
    keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });
    return (scope: string, expiresIn: string | null = '5m') => {
      const jwt = new SignJWT({ scope }).setProtectedHeader({ alg: 'RS256', kid });
      return (expiresIn === null ? jwt : jwt.setExpirationTime(expiresIn)).sign(pair.privateKey);
    };
  };

  it('verifies with the key set, caches it, and refetches for an unknown kid', async () => {
    const signA = await keyPair('key-a');
    const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;
    const t = await startTestService({ env: { AUTH_JWKS_URL: url } });
    try {
      const read = async (token: string) => t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, bearer(token));
      expect((await read(await signA('vendors:read'))).data?.printer?.status).toBe('online');
      expect((await read(await signA('vendors:read'))).data?.printer?.status).toBe('online');
      expect(fetches).toBe(1);
      expect((await read(await mintToken({ scope: 'vendors:read' }))).status).toBe(401); // HS256 is not in the key set
      // Tokens must expire, within AUTH_MAX_TOKEN_AGE (these carry no iat: lifetime counts from now).
      expect((await read(await signA('vendors:read', null))).status).toBe(401);
      expect((await read(await signA('vendors:read', '100y'))).status).toBe(401);
      expect((await read(await signA('vendors:read', '23h'))).data?.printer?.status).toBe('online');
    } finally {
      await t.stop();
    }
  });

  it('refetches the key set when a token names an unknown kid (key rotation)', async () => {
    fetches = 0;
    keys = [];
    const signA = await keyPair('rotate-a');
    const url = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`;
    // The service waits 30 s between refetches (jose's cooldown); here none, to see the refetch.
    const auth = new CallerAuth({ ...loadConfig({}).auth, jwksUrl: url }, { jwksCooldownMs: 0 });
    const verify = async (token: string) => auth.authenticate((name) => (name === 'authorization' ? `Bearer ${token}` : undefined));
    expect((await verify(await signA('vendors:read')))?.scopes.has('vendors:read')).toBe(true);
    await verify(await signA('vendors:read'));
    expect(fetches).toBe(1);
    const signB = await keyPair('rotate-b');
    expect((await verify(await signB('fiscal:write')))?.scopes.has('fiscal:write')).toBe(true);
    expect(fetches).toBe(2);
  });
});

describe('live mode without caller auth', () => {
  it('does not start', () => {
    expect(() => loadConfig({ VENDOR_MODE: 'live' })).toThrow(/live mode needs caller authentication/);
    expect(loadConfig({ VENDOR_MODE: 'live', AUTH_DISABLED: 'true' }).vendorMode).toBe('live');
  });

  it('with AUTH_DISABLED=true starts with a warning', async () => {
    const t = await startTestService();
    try {
      expect(t.logs.records().some((r) => r.level === 40 && String(r.msg).includes('caller authentication is DISABLED'))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
