import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeHandler = (request: FakeRequest, res: ServerResponse) => void;

/**
 * A misbehaving vendor on its own loopback port: records every request (body read whole)
 * and answers with whatever `handler` the test sets. `close()` cuts open connections too.
 */
export class FakeVendor {
  readonly requests: FakeRequest[] = [];
  handler: FakeHandler = (_request, res) => sendJson(res, 200, {});

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeVendor> {
    let fake: FakeVendor | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const body = Buffer.concat(chunks).toString('utf8');
        const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        fake!.requests.push(request);
        fake!.handler(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeVendor(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Writes `text` one byte every `intervalMs` (headers at once), stopping when the client hangs up. */
export function trickle(res: ServerResponse, text: string, intervalMs = 200): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= text.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(text[sent++]);
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

/**
 * A valid JSON answer of `bytes` bytes (`{...prefix, "pad": "xxx…"}`), written as fast as the
 * client reads it, with or without `content-length`. `done` resolves with whether all was sent.
 */
export function hugeJson(
  res: ServerResponse,
  options: { prefix: Record<string, unknown>; bytes: number; contentLength: boolean },
): Promise<boolean> {
  const head = `${JSON.stringify(options.prefix).slice(0, -1)},"pad":"`;
  const tail = '"}';
  const padBytes = options.bytes - head.length - tail.length;
  res.writeHead(200, { 'content-type': 'application/json', ...(options.contentLength ? { 'content-length': String(options.bytes) } : {}) });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return new Promise((resolve) => {
    let left = padBytes;
    res.on('close', () => resolve(res.writableFinished));
    res.write(head);
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end(tail);
    };
    pump();
  });
}

/** Sends the headers and the start of a body, then resets the connection. */
export function resetMidBody(res: ServerResponse, partial = '{"errcode":0,"errm'): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
  res.write(partial, () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
}

export function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-type': 'application/json' });
  res.end('{"errcode":0,"code":0,"ret":200}');
}
