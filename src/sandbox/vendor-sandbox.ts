import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readLimited, send, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';

/** A failure the sandbox plays instead of the simulator's answer, to rehearse outages. */
export type Fault =
  { kind: 'status'; status: number; text?: string } | { kind: 'garbage' } | { kind: 'hang'; ms: number } | { kind: 'reset' };

export interface RecordedRequest extends SimulatedRequest {
  simulator: string;
}

/**
 * One HTTP server on 127.0.0.1 hosting every vendor simulator under its prefix
 * (`/feyin`, `/pickup`, `/apiusb`, `/lifepay`). The service uses it in sandbox mode; tests
 * and the benchmark start it on its own port.
 */
export class VendorSandbox {
  /** Every request received, newest last, for tests and for debugging in GraphiQL sessions. */
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly server: Server;
  private readonly maxRecorded: number;

  constructor(
    readonly simulators: Simulator[],
    options: { maxRecorded?: number } = {},
  ) {
    this.maxRecorded = options.maxRecorded ?? 1000;
    this.server = createServer((req, res) => {
      void this.dispatch(req, res).catch(() => {
        if (!res.headersSent) send(res, { status: 500, text: 'simulator failure' });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 30_000;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error('the vendor sandbox is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  baseUrl(simulator: Simulator): string {
    return `${this.url}${simulator.prefix}`;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return this;
  }

  async close(): Promise<void> {
    for (const simulator of this.simulators) simulator.close?.();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests to `prefix` get `fault` instead of the simulator's answer. */
  inject(prefix: string, fault: Fault, times = 1): void {
    const queue = this.faults.get(prefix) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.faults.set(prefix, queue);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requestsTo(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.simulator === prefix);
  }

  private async dispatch(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const simulator = this.simulators.find((s) => url.pathname === s.prefix || url.pathname.startsWith(`${s.prefix}/`));
    const body = await readLimited(req, 1024 * 1024);
    if (!simulator) return send(res, { status: 404, text: 'no such simulator' });
    if (body === null) return send(res, { status: 413, text: 'body too large' });

    const request: RecordedRequest = {
      simulator: simulator.prefix,
      method: req.method ?? 'GET',
      path: url.pathname.slice(simulator.prefix.length) || '/',
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    this.requests.push(request);
    if (this.requests.length > this.maxRecorded) this.requests.splice(0, this.requests.length - this.maxRecorded);

    const fault = this.faults.get(simulator.prefix)?.shift();
    if (fault) return this.play(fault, req, res);
    const answer: SimulatedResponse = await simulator.handle(request);
    send(res, answer);
  }

  private async play(fault: Fault, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    switch (fault.kind) {
      case 'status':
        return send(res, { status: fault.status, text: fault.text ?? '<html><body>Internal Server Error</body></html>' });
      case 'garbage':
        return send(res, { status: 200, text: '<html>this is not json' });
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang': {
        const timer = setTimeout(() => send(res, { status: 504, text: 'late' }), fault.ms);
        res.on('close', () => clearTimeout(timer));
        return;
      }
    }
  }
}
