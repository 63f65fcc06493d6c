import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument, PrinterStatusDocument } from '../__generated__/graphql.js';
import { CallerAuth } from '../../src/auth/caller-auth.js';
import { loadConfig } from '../../src/config.js';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { ALL_SCOPES, TEST_JWT_SECRET, mintToken } from '../helpers/tokens.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('caller authentication and scopes (HS256)', () => {
  let t: TestService;
  const vendorCalls = () => t.sandbox.requests.length;

  beforeAll(async () => {
    t = await startTestService({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'vendor-ops', ROUTER_SECRET: 'router-shared-secret-xyz' } });
  });
  afterAll(() => t.stop());

  const router = { 'router-authorization': 'router-shared-secret-xyz' };
  const good = (scope = ALL_SCOPES, extra: Record<string, unknown> = {}) => mintToken({ scope, issuer: 'https://id.example', audience: 'vendor-ops', ...extra });

  it.each([
    ['no token', async () => ({ ...router })],
    ['a token signed with another key', async () => ({ ...router, ...bearer(await good(ALL_SCOPES, { secret: 'another-key-another-key-another-key!' })) })],
    ['an expired token', async () => ({ ...router, ...bearer(await good(ALL_SCOPES, { expiresIn: Math.floor(Date.now() / 1000) - 120 })) })],
    ['a token not valid yet', async () => ({ ...router, ...bearer(await good(ALL_SCOPES, { notBefore: Math.floor(Date.now() / 1000) + 600 })) })],
    ['a token for another audience', async () => ({ ...router, ...bearer(await mintToken({ scope: ALL_SCOPES, issuer: 'https://id.example', audience: 'billing' })) })],
    ['a missing router secret', async () => bearer(await good())],
    ['a wrong router secret', async () => ({ 'router-authorization': 'router-shared-secret-xyZ', ...bearer(await good()) })],
  ])('%s is refused with 401 and no vendor call', async (_name, headers) => {
    const before = vendorCalls();
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[0] }, (await headers()) as Record<string, string>);
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(vendorCalls()).toBe(before);
  });

  it('a token without the mutation scope gets FORBIDDEN, no vendor call', async () => {
    const before = vendorCalls();
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[0] }, { ...router, ...bearer(await good('vendors:read pickup:write')) });
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors?.[0]?.message).toContain('printing:write');
    expect(vendorCalls()).toBe(before);
  });

  it('queries and _entities need vendors:read', async () => {
    const headers = { ...router, ...bearer(await good('printing:write')) };
    const before = vendorCalls();
    const query = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, headers);
    expect(query.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const entities = await t.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Printer { status } } }', { r: [{ __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter }] } as never, headers);
    expect(entities.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(vendorCalls()).toBe(before);
  });

  it('the right scope works', async () => {
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[0] }, { ...router, ...bearer(await good('printing:write')) });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelPrintMessage.cancelled).toBe(true);
    const read = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, { ...router, ...bearer(await good('vendors:read')) });
    expect(read.data?.printer?.status).toBe('online');
  });

  it('health, readiness and metrics need no token', async () => {
    for (const path of ['/health', '/ready', '/metrics']) expect((await fetch(`${t.url}${path}`)).status).toBe(200);
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
    return (scope: string) => new SignJWT({ scope }).setProtectedHeader({ alg: 'RS256', kid }).setExpirationTime('5m').sign(pair.privateKey);
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
