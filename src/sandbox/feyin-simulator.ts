import { randomBytes } from 'node:crypto';
import { secretFor, type FeyinSignedType } from '../printing/feyin-callback-signer.js';
import { jsonObject, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';

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

export interface FeyinSimulatorOptions {
  credentials?: FeyinCredentials;
  tokenTtlSec?: number;
  now?: () => number;
  seed?: boolean;
  /** How long after `POST /msg` a message prints (on an online printer); `null`: never. Default 3 s. */
  printDelayMs?: number | null;
  /** How often a seeded printer changes its status (with a `device_status` callback); `null` (default): never. */
  statusChangeEveryMs?: number | null;
  /** The key callbacks are signed with: the member's API key unless an app's is given. */
  callbackKey?: string;
  /** The callback URL set in Feyin's console; none = no callbacks (it may be set later). */
  callbackUrl?: string;
}

/** A status cycle for the restless printer: each step a `device_status` callback. */
const STATUS_CYCLE: Array<Pick<FeyinSimulatedPrinter, 'status' | 'paperStatus'>> = [
  { status: 'online', paperStatus: 'nomal' },
  { status: 'online', paperStatus: 'lack' },
  { status: 'offline', paperStatus: 'lack' },
];

const seconds = (ms: number) => Math.floor(ms / 1000);
/** China Standard Time, as Feyin shows it. */
const formatLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Feyin's open API as VENDORS.md §1 describes it: tokens from `GET /token` that expire,
 * `access_token` checked on every call (40014), the documented error codes and bodies.
 * Every answer is HTTP 200 with an `errcode`, as the real API does. Tokens rotate as on
 * WeChat's platform, which Feyin's token API copies: a new fetch invalidates the account's
 * previous token, so processes that each fetch their own knock each other out.
 * A message sent with `POST /msg` prints a few seconds later and Feyin calls back `msg_printed`;
 * a printer changing status calls back `device_status` (both signed with the account's key).
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

  /** Where callbacks go (Feyin's console setting); sandbox mode points it at the service's own `/callbacks/feyin`. */
  callbackUrl: string | undefined;
  /** Callbacks posted, and how each went (HTTP status or 'error'). */
  readonly callbacksSent: Array<{ msgType: FeyinSignedType; url: string; status: number | 'error' }> = [];
  private readonly printDelayMs: number | null;
  private readonly callbackKey: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private statusStep = 0;

  constructor(options: FeyinSimulatorOptions = {}) {
    this.credentials = options.credentials ?? FEYIN_SANDBOX_CREDENTIALS;
    this.tokenTtlSec = options.tokenTtlSec ?? 7200;
    this.now = options.now ?? Date.now;
    this.printDelayMs = options.printDelayMs === undefined ? 3000 : options.printDelayMs;
    this.callbackKey = options.callbackKey ?? this.credentials.apiKey;
    this.callbackUrl = options.callbackUrl;
    if (options.seed ?? true) this.seed();
    const every = options.statusChangeEveryMs ?? null;
    if (every !== null && options.seed !== false) {
      const timer = setInterval(() => this.nextStatus(FEYIN_SEED.offlinePrinter), every).unref();
      this.timers.add(timer);
    }
  }

  /** Stops printing and status changes (the sandbox closes). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A printer's status changes, as the device reports it: Feyin then calls back `device_status`. */
  setPrinterStatus(deviceNo: string, change: Partial<Pick<FeyinSimulatedPrinter, 'status' | 'paperStatus'>>): void {
    const printer = this.printers.get(deviceNo);
    if (!printer) throw new Error(`no simulated printer ${deviceNo}`);
    Object.assign(printer, change, { since: this.now() });
    if (printer.status === 'online') printer.lastConnectedAt = this.now();
    void this.callBack('device_status', { device_no: deviceNo, online_status: printer.status, paper_status: printer.paperStatus });
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
    if (method === 'POST' && path === '/msg') return this.send(request.body);
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

  /** `POST /msg`: queues a message on a printer; it prints `printDelayMs` later, once the printer is online. */
  private send(text: string): SimulatedResponse {
    const body = jsonObject(text);
    if (!body) return fail(40001, 'invalid parameter');
    const deviceNo = typeof body.device_no === 'string' ? body.device_no : '';
    const hasContent =
      typeof body.msg_content === 'string' ? body.msg_content !== '' : body.template_id !== undefined && body.template_data !== undefined;
    if (!deviceNo || !hasContent) return fail(40001, 'invalid parameter');
    if (!this.printers.has(deviceNo)) return fail(40002, 'invalid device');
    if (body.appid !== undefined && body.appid !== this.credentials.appId) return fail(40003, 'appid not exist');
    const msgNo = typeof body.msg_no === 'string' && body.msg_no !== '' ? body.msg_no : randomBytes(16).toString('hex').toUpperCase();
    // Feyin's code for a reused msg_no is undocumented: a parameter error.
    if (this.messages.has(msgNo)) return fail(40001, 'invalid parameter');
    this.addMessage(msgNo, { deviceNo });
    this.schedulePrint(msgNo);
    return { json: { msg_no: msgNo } };
  }

  private schedulePrint(msgNo: string): void {
    if (this.printDelayMs === null) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const message = this.messages.get(msgNo);
      if (!message || message.status !== 'queued') return;
      // An offline printer keeps its queue: try again after the same delay.
      if (this.printers.get(message.deviceNo)?.status !== 'online') return this.schedulePrint(msgNo);
      message.status = 'printed';
      message.printedAt = this.now();
      void this.callBack('msg_printed', { device_no: message.deviceNo, msg_no: msgNo, print_time: formatLocal(message.printedAt) });
    }, this.printDelayMs).unref();
    this.timers.add(timer);
  }

  private nextStatus(deviceNo: string): void {
    const next = STATUS_CYCLE[this.statusStep++ % STATUS_CYCLE.length];
    if (this.printers.has(deviceNo)) this.setPrinterStatus(deviceNo, next);
  }

  /** Posts `{msg_type, payload}` with the payload's md5 `secret`, as Feyin does (VENDORS.md §1). */
  private async callBack(msgType: FeyinSignedType, payload: Record<string, string>): Promise<void> {
    const url = this.callbackUrl;
    if (!url) return;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msg_type: msgType, payload: { ...payload, secret: secretFor(msgType, payload, this.callbackKey) } }),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      this.callbacksSent.push({ msgType, url, status: response.status });
    } catch {
      this.callbacksSent.push({ msgType, url, status: 'error' });
    }
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
