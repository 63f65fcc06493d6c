import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createVendorHttp, type VendorRequest } from '../../src/vendor-http/vendor-http.js';
import { VendorTransports } from '../../src/vendor-http/vendor-transport.js';

/** What the vendor receives: the headers and body of each call, through ky on the undici transport and on fetch. */
let server: Server;
let baseUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const transports = new VendorTransports({ connections: 2, pipelining: 1, keepAliveMs: 1000, connectTimeoutMs: 1000 });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await transports.close();
  await new Promise((resolve) => server.close(resolve));
});

const clients = {
  'undici transport': () => transports.fetchFor('FEYIN'),
  'global fetch': () => undefined,
};

describe.each(Object.entries(clients))('vendor request headers and body (%s)', (_name, fetchFor) => {
  const call = async (request: VendorRequest) => {
    const http = createVendorHttp({
      vendor: 'FEYIN',
      baseUrl,
      timeoutMs: 2000,
      maxBodyBytes: 1 << 16,
      logger: createLogger({ level: 'silent' }),
      fetch: fetchFor(),
    });
    received.length = 0;
    expect(await http(request)).toEqual({ status: 200, body: { ok: true } });
    return received[0]!;
  };

  it('asks for JSON on a call without headers of its own', async () => {
    expect((await call({ method: 'GET', path: '/plain' })).headers.accept).toBe('application/json');
  });

  it("keeps the caller's headers beside the accept default", async () => {
    const { headers } = await call({ method: 'GET', path: '/h', headers: { AppSecret: 's' } });
    expect(headers.appsecret).toBe('s');
    expect(headers.accept).toBe('application/json');
  });

  it('sends a JSON body with its content type', async () => {
    const sent = await call({ method: 'POST', path: '/json', json: { a: 1, b: 'ü' } });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ a: 1, b: 'ü' });
  });

  it('sends a form body with its content type', async () => {
    const sent = await call({ method: 'POST', path: '/form', form: { a: '1', b: 'x y' } });
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(sent.body).toBe('a=1&b=x+y');
  });

  it("a caller's own content type wins", async () => {
    const sent = await call({
      method: 'POST',
      path: '/own',
      json: { a: 1 },
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
