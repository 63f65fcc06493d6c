import { randomBytes } from 'node:crypto';
import type { SimulatedRequest, SimulatedResponse, Simulator } from './sandbox-http.js';

export interface FeyinCredentials {
  memberCode: string;
  apiKey: string;
  appId?: string;
}

export type FeyinMessageState = 'queued' | 'printing' | 'printed' | 'cancelled';

export interface FeyinSimulatedMessage {
  deviceNo: string;
  status: FeyinMessageState;
  createdAt: number;
  printedAt?: number;
}

export interface FeyinSimulatedPrinter {
  status: 'online' | 'offline' | 'overheat' | 'error';
  paperStatus: 'nomal' | 'lack';
  since: number;
  lastConnectedAt: number;
}

export const FEYIN_SANDBOX_CREDENTIALS: FeyinCredentials = {
  memberCode: 'sandbox-member',
  apiKey: 'sandbox-feyin-api-key',
  appId: 'sandbox-app',
};

/** Seeded ids, listed in the README for frontend developers. */
export const FEYIN_SEED = {
  onlinePrinter: '4600000000000001',
  offlinePrinter: '4600000000000002',
  queuedMessages: ['FY0000000000000000000000000001', 'FY0000000000000000000000000002', 'FY0000000000000000000000000003'],
  printingMessage: 'FY0000000000000000000000000009',
  printedMessage: 'FY0000000000000000000000000010',
};

const seconds = (ms: number) => Math.floor(ms / 1000);
/** China Standard Time, as Feyin shows it. */
const formatLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Feyin's open API as VENDORS.md §1 describes it: tokens from `GET /token` that expire,
 * `access_token` checked on every call (40014), the documented error codes and bodies.
 * Every answer is HTTP 200 with an `errcode`, as the real API does. Tokens rotate as on
 * WeChat's platform, which Feyin's token API copies: a new fetch invalidates the account's
 * previous token, so processes that each fetch their own knock each other out.
 */
export class FeyinSimulator implements Simulator {
  readonly prefix = '/feyin';
  readonly printers = new Map<string, FeyinSimulatedPrinter>();
  readonly messages = new Map<string, FeyinSimulatedMessage>();
  tokensIssued = 0;
  /** Token → when it expires. */
  private readonly tokens = new Map<string, number>();
  /** Account (member, or member and app for an app-level token) → its one valid token. */
  private readonly accountTokens = new Map<string, string>();
  private readonly credentials: FeyinCredentials;
  private readonly tokenTtlSec: number;
  private readonly now: () => number;

  constructor(options: { credentials?: FeyinCredentials; tokenTtlSec?: number; now?: () => number; seed?: boolean } = {}) {
    this.credentials = options.credentials ?? FEYIN_SANDBOX_CREDENTIALS;
    this.tokenTtlSec = options.tokenTtlSec ?? 7200;
    this.now = options.now ?? Date.now;
    if (options.seed ?? true) this.seed();
  }

  /** Makes every issued token invalid, as when the vendor revokes them. */
  revokeTokens(): void {
    this.tokens.clear();
    this.accountTokens.clear();
  }

  addMessage(msgNo: string, message: Partial<FeyinSimulatedMessage> = {}): void {
    this.messages.set(msgNo, { deviceNo: FEYIN_SEED.onlinePrinter, status: 'queued', createdAt: this.now(), ...message });
  }

  handle(request: SimulatedRequest): SimulatedResponse | Promise<SimulatedResponse> {
    const { method, path, query } = request;
    if (method === 'GET' && path === '/token') return this.issueToken(query);

    const token = query.get('access_token');
    const expiresAt = token ? this.tokens.get(token) : undefined;
    if (expiresAt === undefined || expiresAt <= this.now()) {
      if (token) this.tokens.delete(token);
      return fail(40014, 'invalid access_token');
    }

    let match: RegExpExecArray | null;
    if (method === 'POST' && (match = /^\/msg\/([^/]+)\/cancel$/.exec(path))) return this.cancel(decodeURIComponent(match[1]));
    if (method === 'GET' && (match = /^\/msg\/([^/]+)\/status$/.exec(path))) return this.messageStatus(decodeURIComponent(match[1]));
    if (method === 'GET' && (match = /^\/device\/([^/]+)\/status$/.exec(path))) return this.printerStatus(decodeURIComponent(match[1]));
    if (method === 'GET' && path === '/devices') return this.listPrinters();
    return fail(40001, 'invalid parameter');
  }

  private issueToken(query: URLSearchParams): SimulatedResponse {
    const appId = query.get('appid');
    if (query.get('code') !== this.credentials.memberCode) return fail(40004, 'member not exist');
    if (query.get('secret') !== this.credentials.apiKey) return fail(40011, 'invalid key');
    if (appId && appId !== this.credentials.appId) return fail(40003, 'appid not exist');
    const token = randomBytes(16).toString('hex');
    const account = `${this.credentials.memberCode}/${appId ?? ''}`;
    const previous = this.accountTokens.get(account);
    if (previous) this.tokens.delete(previous);
    this.accountTokens.set(account, token);
    this.tokens.set(token, this.now() + this.tokenTtlSec * 1000);
    this.tokensIssued += 1;
    return { json: { access_token: token, expires_in: this.tokenTtlSec } };
  }

  private cancel(msgNo: string): SimulatedResponse {
    const message = this.messages.get(msgNo);
    if (!message) return fail(40005, 'msg_no not exist');
    if (message.status === 'printing' || message.status === 'printed') return fail(40020, 'message already sent to printer');
    // A second cancel is refused, as the vendor refuses anything it no longer holds in its queue.
    if (message.status === 'cancelled') return fail(40020, 'message already cancelled');
    message.status = 'cancelled';
    return { json: { errcode: 0, errmsg: 'ok' } };
  }

  private messageStatus(msgNo: string): SimulatedResponse {
    const message = this.messages.get(msgNo);
    if (!message) return fail(40005, 'msg_no not exist');
    return {
      json: {
        msg_no: msgNo,
        status: message.status,
        msg_time: formatLocal(message.createdAt),
        print_time: message.printedAt ? formatLocal(message.printedAt) : '',
      },
    };
  }

  private printerStatus(deviceNo: string): SimulatedResponse {
    const printer = this.printers.get(deviceNo);
    if (!printer) return fail(40002, 'invalid device');
    return { json: this.describePrinter(deviceNo, printer) };
  }

  private listPrinters(): SimulatedResponse {
    return { json: { errcode: 0, devices: [...this.printers].map(([deviceNo, printer]) => this.describePrinter(deviceNo, printer)) } };
  }

  private describePrinter(deviceNo: string, printer: FeyinSimulatedPrinter) {
    return {
      device_no: deviceNo,
      since: seconds(printer.since),
      status: printer.status,
      paper_status: printer.paperStatus,
      last_connected_at: formatLocal(printer.lastConnectedAt),
    };
  }

  private seed(): void {
    const now = this.now();
    this.printers.set(FEYIN_SEED.onlinePrinter, {
      status: 'online',
      paperStatus: 'nomal',
      since: now - 86_400_000,
      lastConnectedAt: now - 60_000,
    });
    this.printers.set(FEYIN_SEED.offlinePrinter, {
      status: 'offline',
      paperStatus: 'lack',
      since: now - 3_600_000,
      lastConnectedAt: now - 3_600_000,
    });
    for (const msgNo of FEYIN_SEED.queuedMessages) this.addMessage(msgNo);
    this.addMessage(FEYIN_SEED.printingMessage, { status: 'printing' });
    this.addMessage(FEYIN_SEED.printedMessage, { status: 'printed', printedAt: now - 600_000 });
  }
}

function fail(errcode: number, errmsg: string): SimulatedResponse {
  return { json: { errcode, errmsg } };
}
