import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument } from '../__generated__/graphql.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * Issue 15 item 1: vendor calls go through ky onto `undici.request` with one keep-alive Agent
 * per vendor, sized by VENDOR_CONNECTIONS and closed on shutdown.
 */

const STATUS = { msg_no: 'POOL', status: 'cancelled', msg_time: '2024-01-01 10:00:00', print_time: '' };

/** A Feyin that answers every cancel a little later, so that calls overlap, and counts its sockets. */
async function slowFeyin(): Promise<{ url: string; sockets: Set<Socket>; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://feyin').pathname;
    const answer =
      path === '/token'
        ? { access_token: 'pool-token', expires_in: 7200 }
        : path.endsWith('/status')
          ? STATUS
          : { errcode: 0, errmsg: 'ok' };
    req
      .resume()
      .on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)), 30));
  });
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, sockets, server };
}

const open = (sockets: Set<Socket>) => [...sockets].filter((socket) => !socket.destroyed && !socket.closed).length;

describe('vendor transport: one keep-alive pool per vendor', () => {
  let t: TestService | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await t?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    t = server = undefined;
  });

  it('opens at most VENDOR_CONNECTIONS sockets to a vendor, however many calls are in flight', async () => {
    const feyin = await slowFeyin();
    server = feyin.server;
    t = await startTestService({ env: { FEYIN_BASE_URL: feyin.url, VENDOR_CONNECTIONS: '2' } });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => t!.gql(CancelPrintMessageDocument, { msgNo: `POOL-${i}` })));
    expect(answers.map((answer) => answer.errors)).toEqual(Array(12).fill(undefined));
    expect(feyin.sockets.size).toBeLessThanOrEqual(2);
  });

  it('closes the vendor sockets it keeps alive when the service stops', async () => {
    const feyin = await slowFeyin();
    server = feyin.server;
    t = await startTestService({ env: { FEYIN_BASE_URL: feyin.url, VENDOR_KEEP_ALIVE_MS: '600000' } });
    expect((await t.gql(CancelPrintMessageDocument, { msgNo: 'POOL-1' })).errors).toBeUndefined();
    expect(open(feyin.sockets)).toBeGreaterThan(0);
    await t.stop();
    t = undefined;
    // Node's global fetch would keep its idle socket for seconds more; the service's own pool closes now.
    await eventually(() => open(feyin.sockets) === 0, { timeoutMs: 1000, what: 'the vendor sockets to close' });
  });
});
