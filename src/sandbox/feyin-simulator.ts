import { randomBytes } from 'node:crypto';
import { secretFor, type FeyinSignedType } from '../printing/feyin-callback-signer.js';
import { jsonObject, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';
import { SimulatedAccounts, startingCredentials, type AccountTokens, type Learned } from './simulated-accounts.js';

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

/** The sandbox's second merchant's member: every value differs from the first's. */
export const FEYIN_SANDBOX_SECOND_CREDENTIALS: FeyinCredentials = {
  memberCode: 'sandbox-member-shop-2',
  apiKey: 'sandbox-feyin-api-key-shop-2',
  appId: 'sandbox-app-shop-2',
};

/** Seeded ids, listed in the README for frontend developers. */
export const FEYIN_SEED = {
  onlinePrinter: '4600000000000001',
  offlinePrinter: '4600000000000002',
  queuedMessages: ['FY0000000000000000000000000001', 'FY0000000000000000000000000002', 'FY0000000000000000000000000003'],
  printingMessage: 'FY0000000000000000000000000009',
  printedMessage: 'FY0000000000000000000000000010',
};

export type FeyinSeed = typeof FEYIN_SEED;

/** The second member's own printers and messages: no id is the first's, so isolation shows. */
export const FEYIN_SECOND_SEED: FeyinSeed = {
  onlinePrinter: '4600000000000021',
  offlinePrinter: '4600000000000022',
  queuedMessages: ['FY0000000000000000000000000021', 'FY0000000000000000000000000022'],
  printingMessage: 'FY0000000000000000000000000029',
  printedMessage: 'FY0000000000000000000000000030',
};

/** Seeds by account position: the first account gets the first seed; accounts after the second start empty. */
const SEEDS: readonly FeyinSeed[] = [FEYIN_SEED, FEYIN_SECOND_SEED];

export interface FeyinCallbackSent {
  msgType: FeyinSignedType;
  url: string;
  status: number | 'error';
}

/** One member's state at the simulated Feyin: its printers and messages, where its callbacks go, its counters. */
export interface FeyinAccount extends AccountTokens {
  /** Replaced only when a MERCHANTS_FILE merchant's member is taught new secrets (sandbox mode). */
  credentials: FeyinCredentials;
  readonly printers: Map<string, FeyinSimulatedPrinter>;
  readonly messages: Map<string, FeyinSimulatedMessage>;
  /** The callback URL set in this member's console; none = no callbacks. */
  callbackUrl: string | undefined;
  /** The key its callbacks are signed with. */
  callbackKey: string;
  /** Its callbacks posted, and how each went (HTTP status or 'error'). */
  readonly callbacksSent: FeyinCallbackSent[];
  /** The printer `addMessage` puts a message on when none is named: the seed's online printer. */
  readonly defaultDevice: string;
}

export interface FeyinSimulatorOptions {
  /** The first (default) member's credentials; the sandbox's second member is kept beside it. */
  credentials?: FeyinCredentials;
  /** Every member the simulator knows, the first being the default (replaces `credentials` and the second member). */
  accounts?: FeyinCredentials[];
  tokenTtlSec?: number;
  now?: () => number;
  seed?: boolean;
  /** How long after `POST /msg` a message prints (on an online printer); `null`: never. Default 3 s. */
  printDelayMs?: number | null;
  /** How often the first member's seeded offline printer changes its status (with a `device_status` callback); `null` (default): never. */
  statusChangeEveryMs?: number | null;
  /** The key the first member's callbacks are signed with: its API key unless an app's is given (other members: their API key). */
  callbackKey?: string;
  /** The callback URL set in the first member's console; none = no callbacks (it may be set later, also per member). */
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
 * Several members (merchants) each see only their own printers and messages: another member's
 * device or msg_no answers as one that does not exist (40002, 40005).
 */
export class FeyinSimulator implements Simulator {
  readonly prefix = '/feyin';
  /** Token → the member it acts for and when it expires. */
  private readonly tokens = new Map<string, { account: FeyinAccount; expiresAt: number }>();
  /** Account (member, or member and app for an app-level token) → its one valid token. */
  private readonly accountTokens = new Map<string, string>();
  private readonly accounts: SimulatedAccounts<FeyinAccount>;
  private readonly tokenTtlSec: number;
  private readonly now: () => number;
  private readonly printDelayMs: number | null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly seeded: boolean;
  private statusStep = 0;

  constructor(options: FeyinSimulatorOptions = {}) {
    this.tokenTtlSec = options.tokenTtlSec ?? 7200;
    this.now = options.now ?? Date.now;
    this.printDelayMs = options.printDelayMs === undefined ? 3000 : options.printDelayMs;
    const credentials = startingCredentials(options, [FEYIN_SANDBOX_CREDENTIALS, FEYIN_SANDBOX_SECOND_CREDENTIALS]);
    this.accounts = new SimulatedAccounts(
      credentials.map((c, index) =>
        newAccount(c, {
          callbackUrl: index === 0 ? options.callbackUrl : undefined,
          callbackKey: (index === 0 ? options.callbackKey : undefined) ?? c.apiKey,
          defaultDevice: SEEDS[index]?.onlinePrinter ?? '',
        }),
      ),
      (account) => account.credentials.memberCode,
    );
    this.seeded = options.seed ?? true;
    if (this.seeded) this.accounts.seedEach(SEEDS, (account, seed) => this.seed(account, seed));
    const every = options.statusChangeEveryMs ?? null;
    if (every !== null && options.seed !== false) {
      const timer = setInterval(() => this.nextStatus(FEYIN_SEED.offlinePrinter), every).unref();
      this.timers.add(timer);
    }
  }

  /** The first (default) member's printers. */
  get printers(): Map<string, FeyinSimulatedPrinter> {
    return this.accounts.first.printers;
  }

  /** The first (default) member's messages. */
  get messages(): Map<string, FeyinSimulatedMessage> {
    return this.accounts.first.messages;
  }

  /** Tokens the first (default) member fetched. */
  get tokensIssued(): number {
    return this.accounts.first.tokensIssued;
  }

  /** The first member's callback URL (Feyin's console setting); sandbox mode points it at the service's own `/callbacks/feyin`. */
  get callbackUrl(): string | undefined {
    return this.accounts.first.callbackUrl;
  }

  set callbackUrl(url: string | undefined) {
    this.accounts.first.callbackUrl = url;
  }

  /** The first member's callbacks posted, and how each went (HTTP status or 'error'). */
  get callbacksSent(): FeyinCallbackSent[] {
    return this.accounts.first.callbacksSent;
  }

  /** A member's state (printers, messages, callback URL, counters); throws for a member the simulator does not know. */
  account(memberCode: string): FeyinAccount {
    return this.accounts.get(memberCode);
  }

  /**
   * Sandbox mode: a MERCHANTS_FILE merchant's member, as Feyin knows its members from their
   * console, with its own copy of the first member's seed (so the README's ids work for it), its
   * callbacks signed with its callback key (its API key unless an app's is given) and sent to
   * `callbackUrl`. Everything else (tokens, codes, records per member) is as for any member.
   */
  learnAccount(merchantId: string, member: FeyinCredentials & { callbackKey?: string }, callbackUrl?: string): Learned {
    const credentials: FeyinCredentials = { memberCode: member.memberCode, apiKey: member.apiKey, appId: member.appId };
    const callbackKey = member.callbackKey ?? member.apiKey;
    return this.accounts.learn(merchantId, member.memberCode, {
      same: (known) =>
        known.credentials.apiKey === credentials.apiKey &&
        known.credentials.appId === credentials.appId &&
        known.callbackKey === callbackKey,
      make: () => newAccount(credentials, { callbackUrl, callbackKey, defaultDevice: FEYIN_SEED.onlinePrinter }),
      seed: (made) => (this.seeded ? this.seed(made, FEYIN_SEED) : undefined),
      update: (known) => {
        known.credentials = credentials;
        known.callbackKey = callbackKey;
      },
    });
  }

  /** Sets the callback URL in one member's console (each member calls back to its own URL). */
  setCallbackUrl(memberCode: string, url: string | undefined): void {
    this.accounts.get(memberCode).callbackUrl = url;
  }

  /** Tokens a member fetched. */
  tokensIssuedBy(memberCode: string): number {
    return this.accounts.get(memberCode).tokensIssued;
  }

  /** Calls made with a member's token (token fetches not counted). */
  callsBy(memberCode: string): number {
    return this.accounts.get(memberCode).calls;
  }

  /** Stops printing and status changes (the sandbox closes). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A printer's status changes, as the device reports it: Feyin then calls back `device_status` to its member. */
  setPrinterStatus(deviceNo: string, change: Partial<Pick<FeyinSimulatedPrinter, 'status' | 'paperStatus'>>, memberCode?: string): void {
    const account = this.accounts.getOrFirst(memberCode);
    const printer = account.printers.get(deviceNo);
    if (!printer) throw new Error(`no simulated printer ${deviceNo}`);
    Object.assign(printer, change, { since: this.now() });
    if (printer.status === 'online') printer.lastConnectedAt = this.now();
    void this.callBack(account, 'device_status', {
      device_no: deviceNo,
      online_status: printer.status,
      paper_status: printer.paperStatus,
    });
  }

  /** Makes every issued token invalid, as when the vendor revokes them (only one member's, when named). */
  revokeTokens(memberCode?: string): void {
    const revoked = memberCode === undefined ? undefined : this.accounts.get(memberCode);
    for (const [token, issued] of this.tokens) if (!revoked || issued.account === revoked) this.tokens.delete(token);
    for (const [key, token] of this.accountTokens) if (!this.tokens.has(token)) this.accountTokens.delete(key);
  }

  /** Adds a message to a member's queue (the first member's unless named), on its seeded online printer unless given. */
  addMessage(msgNo: string, message: Partial<FeyinSimulatedMessage> = {}, memberCode?: string): void {
    const account = this.accounts.getOrFirst(memberCode);
    account.messages.set(msgNo, { deviceNo: account.defaultDevice, status: 'queued', createdAt: this.now(), ...message });
  }

  handle(request: SimulatedRequest): SimulatedResponse | Promise<SimulatedResponse> {
    const { method, path, query } = request;
    if (method === 'GET' && path === '/token') return this.issueToken(query);

    const token = query.get('access_token');
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || issued.expiresAt <= this.now()) {
      if (token) this.tokens.delete(token);
      return fail(40014, 'invalid access_token');
    }
    // The token names the member: every record below is looked up among that member's only.
    const { account } = issued;
    account.calls += 1;

    let match: RegExpExecArray | null;
    if (method === 'POST' && path === '/msg') return this.send(account, request.body);
    if (method === 'POST' && (match = /^\/msg\/([^/]+)\/cancel$/.exec(path))) return this.cancel(account, decodeURIComponent(match[1]));
    if (method === 'GET' && (match = /^\/msg\/([^/]+)\/status$/.exec(path)))
      return this.messageStatus(account, decodeURIComponent(match[1]));
    if (method === 'GET' && (match = /^\/device\/([^/]+)\/status$/.exec(path)))
      return this.printerStatus(account, decodeURIComponent(match[1]));
    if (method === 'GET' && path === '/devices') return this.listPrinters(account);
    return fail(40001, 'invalid parameter');
  }

  private issueToken(query: URLSearchParams): SimulatedResponse {
    const appId = query.get('appid');
    const account = this.accounts.find(query.get('code'));
    if (!account) return fail(40004, 'member not exist');
    if (query.get('secret') !== account.credentials.apiKey) return fail(40011, 'invalid key');
    if (appId && appId !== account.credentials.appId) return fail(40003, 'appid not exist');
    const token = randomBytes(16).toString('hex');
    const key = `${account.credentials.memberCode}/${appId ?? ''}`;
    const previous = this.accountTokens.get(key);
    if (previous) this.tokens.delete(previous);
    this.accountTokens.set(key, token);
    this.tokens.set(token, { account, expiresAt: this.now() + this.tokenTtlSec * 1000 });
    account.tokensIssued += 1;
    return { json: { access_token: token, expires_in: this.tokenTtlSec } };
  }

  /** `POST /msg`: queues a message on a printer; it prints `printDelayMs` later, once the printer is online. */
  private send(account: FeyinAccount, text: string): SimulatedResponse {
    const body = jsonObject(text);
    if (!body) return fail(40001, 'invalid parameter');
    const deviceNo = typeof body.device_no === 'string' ? body.device_no : '';
    const hasContent =
      typeof body.msg_content === 'string' ? body.msg_content !== '' : body.template_id !== undefined && body.template_data !== undefined;
    if (!deviceNo || !hasContent) return fail(40001, 'invalid parameter');
    if (!account.printers.has(deviceNo)) return fail(40002, 'invalid device');
    if (body.appid !== undefined && body.appid !== account.credentials.appId) return fail(40003, 'appid not exist');
    const msgNo = typeof body.msg_no === 'string' && body.msg_no !== '' ? body.msg_no : randomBytes(16).toString('hex').toUpperCase();
    // Feyin's code for a reused msg_no is undocumented: a parameter error.
    if (account.messages.has(msgNo)) return fail(40001, 'invalid parameter');
    account.messages.set(msgNo, { deviceNo, status: 'queued', createdAt: this.now() });
    this.schedulePrint(account, msgNo);
    return { json: { msg_no: msgNo } };
  }

  private schedulePrint(account: FeyinAccount, msgNo: string): void {
    if (this.printDelayMs === null) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const message = account.messages.get(msgNo);
      if (!message || message.status !== 'queued') return;
      // An offline printer keeps its queue: try again after the same delay.
      if (account.printers.get(message.deviceNo)?.status !== 'online') return this.schedulePrint(account, msgNo);
      message.status = 'printed';
      message.printedAt = this.now();
      void this.callBack(account, 'msg_printed', {
        device_no: message.deviceNo,
        msg_no: msgNo,
        print_time: formatLocal(message.printedAt),
      });
    }, this.printDelayMs).unref();
    this.timers.add(timer);
  }

  /** The first member's restless printer moves one step through the status cycle. */
  private nextStatus(deviceNo: string): void {
    const next = STATUS_CYCLE[this.statusStep++ % STATUS_CYCLE.length];
    if (this.printers.has(deviceNo)) this.setPrinterStatus(deviceNo, next);
  }

  /** Posts `{msg_type, payload}` with the payload's md5 `secret`, as Feyin does (VENDORS.md §1), to the member's own URL with its own key. */
  private async callBack(account: FeyinAccount, msgType: FeyinSignedType, payload: Record<string, string>): Promise<void> {
    const url = account.callbackUrl;
    if (!url) return;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msg_type: msgType, payload: { ...payload, secret: secretFor(msgType, payload, account.callbackKey) } }),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      account.callbacksSent.push({ msgType, url, status: response.status });
    } catch {
      account.callbacksSent.push({ msgType, url, status: 'error' });
    }
  }

  private cancel(account: FeyinAccount, msgNo: string): SimulatedResponse {
    const message = account.messages.get(msgNo);
    if (!message) return fail(40005, 'msg_no not exist');
    if (message.status === 'printing' || message.status === 'printed') return fail(40020, 'message already sent to printer');
    // A second cancel is refused, as the vendor refuses anything it no longer holds in its queue.
    if (message.status === 'cancelled') return fail(40020, 'message already cancelled');
    message.status = 'cancelled';
    return { json: { errcode: 0, errmsg: 'ok' } };
  }

  private messageStatus(account: FeyinAccount, msgNo: string): SimulatedResponse {
    const message = account.messages.get(msgNo);
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

  private printerStatus(account: FeyinAccount, deviceNo: string): SimulatedResponse {
    const printer = account.printers.get(deviceNo);
    if (!printer) return fail(40002, 'invalid device');
    return { json: describePrinter(deviceNo, printer) };
  }

  private listPrinters(account: FeyinAccount): SimulatedResponse {
    return { json: { errcode: 0, devices: [...account.printers].map(([deviceNo, printer]) => describePrinter(deviceNo, printer)) } };
  }

  private seed(account: FeyinAccount, seed: FeyinSeed): void {
    const now = this.now();
    const { memberCode } = account.credentials;
    account.printers.set(seed.onlinePrinter, {
      status: 'online',
      paperStatus: 'nomal',
      since: now - 86_400_000,
      lastConnectedAt: now - 60_000,
    });
    account.printers.set(seed.offlinePrinter, {
      status: 'offline',
      paperStatus: 'lack',
      since: now - 3_600_000,
      lastConnectedAt: now - 3_600_000,
    });
    for (const msgNo of seed.queuedMessages) this.addMessage(msgNo, {}, memberCode);
    this.addMessage(seed.printingMessage, { status: 'printing' }, memberCode);
    this.addMessage(seed.printedMessage, { status: 'printed', printedAt: now - 600_000 }, memberCode);
  }
}

function newAccount(
  credentials: FeyinCredentials,
  settings: Pick<FeyinAccount, 'callbackUrl' | 'callbackKey' | 'defaultDevice'>,
): FeyinAccount {
  return { credentials, printers: new Map(), messages: new Map(), callbacksSent: [], tokensIssued: 0, calls: 0, ...settings };
}

function describePrinter(deviceNo: string, printer: FeyinSimulatedPrinter) {
  return {
    device_no: deviceNo,
    since: seconds(printer.since),
    status: printer.status,
    paper_status: printer.paperStatus,
    last_connected_at: formatLocal(printer.lastConnectedAt),
  };
}

function fail(errcode: number, errmsg: string): SimulatedResponse {
  return { json: { errcode, errmsg } };
}
