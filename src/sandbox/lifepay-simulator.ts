import { randomUUID } from 'node:crypto';
import { jsonObject, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';
import { SimulatedAccounts, startingCredentials, type AccountCalls, type Learned } from './simulated-accounts.js';

export interface LifepayCredentials {
  apiKey: string;
  login: string;
}

export interface LifepaySimulatedDocument {
  uuid: string;
  type: 'x-report';
  login: string;
  extId: string | null;
  targetSerial: string;
  callbackUrl: string | null;
  callbackData: unknown;
  createdAt: number;
}

export interface LifepaySimulatedRegister {
  model: string;
  active: boolean;
}

export const LIFEPAY_SANDBOX_CREDENTIALS: LifepayCredentials = {
  apiKey: 'sandbox-lifepay-api-key',
  login: '79990000001',
};

/** The sandbox's second merchant: its own API key and login. */
export const LIFEPAY_SANDBOX_SECOND_CREDENTIALS: LifepayCredentials = {
  apiKey: 'sandbox-lifepay-api-key-shop-2',
  login: '79990000021',
};

/** Seeded ids, listed in the README for frontend developers. */
export const LIFEPAY_SEED = {
  /** The serial from LifePay's own example; active. */
  register: '00106304012797',
  secondRegister: '00106304012798',
  /** Known but switched off: LifePay still queues documents for it. */
  inactiveRegister: '00106304010001',
  /** A user of the account with cloud fiscalisation turned off (code 6080). */
  fiscalisationOffLogin: '79990000002',
  /** A user without API access (code 6095). */
  noAccessLogin: '79990000003',
  /**
   * Active, but behind a flaky link: the first two requests of each ext_id naming it get
   * HTTP 503, so the retry path (RETRY_SCHEDULED, then ACCEPTED) can be tried from GraphiQL.
   */
  flakyRegister: '00106304015555',
};

export type LifepaySeed = typeof LIFEPAY_SEED;

/** The second merchant's own registers and users: no serial or login is the first's, so isolation shows. */
export const LIFEPAY_SECOND_SEED: LifepaySeed = {
  register: '00106304022797',
  secondRegister: '00106304022798',
  inactiveRegister: '00106304020001',
  fiscalisationOffLogin: '79990000022',
  noAccessLogin: '79990000023',
  flakyRegister: '00106304025555',
};

/** Seeds by account position: accounts after the second start empty. */
const SEEDS: readonly LifepaySeed[] = [LIFEPAY_SEED, LIFEPAY_SECOND_SEED];

/** Why LifePay refuses a user of an account that is otherwise known. */
type Refusal = { code: number; message: string };

/** The seed's refused users: which login gets which refusal. */
const SEEDED_REFUSALS: Array<['noAccessLogin' | 'fiscalisationOffLogin', Refusal]> = [
  ['noAccessLogin', { code: 6095, message: 'Доступ запрещен.' }],
  ['fiscalisationOffLogin', { code: 6080, message: 'Облачная фискализация запрещена.' }],
];

/** One company's state at the simulated LifePay: its users, registers and documents, its call count. */
export interface LifepayAccount extends AccountCalls {
  /** Replaced only when a MERCHANTS_FILE merchant's company is taught another login (sandbox mode). */
  credentials: LifepayCredentials;
  /** Login → null for a user who may fiscalise, or the refusal the others get. */
  readonly users: Map<string, Refusal | null>;
  readonly registers: Map<string, LifepaySimulatedRegister>;
  readonly documents: Map<string, LifepaySimulatedDocument>;
  /** ext_id → the uuid of the first document that carried it (idempotency is per company). */
  readonly byExtId: Map<string, string>;
  /** Callbacks posted for its documents, and how each went (HTTP status or 'error'). */
  readonly callbacksSent: Array<{ url: string; status: number | 'error' }>;
  /** Its register behind a flaky link, if the seed gave it one. */
  flakyRegister: string | undefined;
}

export interface LifepaySimulatorOptions {
  /** The first (default) company's credentials; the sandbox's second merchant is kept beside it. */
  credentials?: LifepayCredentials;
  /** Every company the simulator knows, the first being the default (replaces `credentials` and the second merchant). */
  accounts?: LifepayCredentials[];
  seed?: boolean;
  callbackDelayMs?: number | null;
}

/** Requests per ext_id answered 503 for `LIFEPAY_SEED.flakyRegister`. */
const FLAKY_FAILURES = 2;

const EXT_ID_MAX = 50;
const CALLBACK_URL_MAX = 255;

/**
 * LifePay's cloud-print API as VENDORS.md §4 describes it (`create-x-report`): apikey and
 * login checked (6009/6010), per-field 400 data errors in Russian as LifePay writes them,
 * ext_id idempotency (the first document's uuid), test mode without uuid, and optionally
 * the callback to `callback_url`. Its format is undocumented: the simulator posts
 * `{uuid, ext_id, type, status, callback_data}` as JSON (an assumption, not LifePay's spec).
 * Outages: `answerUnavailable(n)` / `answerUnavailableFor(ms)` answer HTTP 503 (tests), and
 * the seeded flaky register does so by itself (sandbox users); `sandbox.inject` adds the rest.
 * Several companies (merchants) each have their own users, registers and documents: another
 * company's login with this apikey is 6010, another's register "Принтер не найден.", and an
 * ext_id is idempotent within one apikey only.
 */
export class LifepaySimulator implements Simulator {
  readonly prefix = '/lifepay';
  private readonly accounts: SimulatedAccounts<LifepayAccount>;
  private readonly callbackDelayMs: number | null;
  private readonly seeded: boolean;
  private unavailableRequests = 0;
  private unavailableUntil = 0;
  /** apikey and ext_id → requests seen for the flaky register. */
  private readonly flakyAttempts = new Map<string, number>();

  constructor(options: LifepaySimulatorOptions = {}) {
    this.callbackDelayMs = options.callbackDelayMs === undefined ? 200 : options.callbackDelayMs;
    const credentials = startingCredentials(options, [LIFEPAY_SANDBOX_CREDENTIALS, LIFEPAY_SANDBOX_SECOND_CREDENTIALS]);
    this.accounts = new SimulatedAccounts(credentials.map(newAccount), (account) => account.credentials.apiKey);
    this.seeded = options.seed ?? true;
    if (this.seeded) this.accounts.seedEach(SEEDS, seedAccount);
  }

  /**
   * Sandbox mode: a MERCHANTS_FILE merchant's company, as LifePay knows its customers: its API key,
   * its user `login` (the sandbox's user 79990000001 when it names none), and its own copy of the
   * first company's registers and refused users, so the README's values work for it.
   */
  learnAccount(merchantId: string, company: { apiKey: string; login?: string }): Learned {
    const credentials = { apiKey: company.apiKey, login: company.login ?? LIFEPAY_SANDBOX_CREDENTIALS.login };
    return this.accounts.learn(merchantId, credentials.apiKey, {
      same: (known) => known.credentials.login === credentials.login,
      make: () => newAccount(credentials),
      seed: (made) => (this.seeded ? seedAccount(made, LIFEPAY_SEED) : undefined),
      update: (known) => {
        known.users.delete(known.credentials.login);
        known.users.set(credentials.login, null);
        known.credentials = credentials;
      },
    });
  }

  /** The first (default) company's registers. */
  get registers(): Map<string, LifepaySimulatedRegister> {
    return this.accounts.first.registers;
  }

  /** The first (default) company's documents, by uuid. */
  get documents(): Map<string, LifepaySimulatedDocument> {
    return this.accounts.first.documents;
  }

  /** Callbacks posted for the first (default) company's documents. */
  get callbacksSent(): Array<{ url: string; status: number | 'error' }> {
    return this.accounts.first.callbacksSent;
  }

  /** A company's state (users, registers, documents, calls), by API key; throws for one the simulator does not know. */
  account(apiKey: string): LifepayAccount {
    return this.accounts.get(apiKey);
  }

  /** Requests that carried a company's apikey with one of its logins. */
  callsBy(apiKey: string): number {
    return this.accounts.get(apiKey).calls;
  }

  /** The next `requests` requests get HTTP 503, as during a LifePay outage (0 ends it). */
  answerUnavailable(requests: number): void {
    this.unavailableRequests = requests;
  }

  /** Every request for the next `ms` milliseconds gets HTTP 503 (0 ends it). */
  answerUnavailableFor(ms: number): void {
    this.unavailableUntil = ms > 0 ? Date.now() + ms : 0;
  }

  /** A company's documents (the first's unless named) that carry `extId`. */
  documentsWithExtId(extId: string, apiKey?: string): LifepaySimulatedDocument[] {
    return [...this.accounts.getOrFirst(apiKey).documents.values()].filter((d) => d.extId === extId);
  }

  handle(request: SimulatedRequest): SimulatedResponse {
    if (this.unavailableRequests > 0) {
      this.unavailableRequests -= 1;
      return UNAVAILABLE;
    }
    if (Date.now() < this.unavailableUntil) return UNAVAILABLE;
    if (request.method === 'POST' && request.path === '/cloud-print/create-x-report') {
      if (this.flakyLink(request.body)) return UNAVAILABLE;
      return this.createXReport(request.body);
    }
    return { status: 404, text: '<html><body><h1>404 Not Found</h1></body></html>' };
  }

  /** True while a request for a company's flaky register is among the first ones of its ext_id. */
  private flakyLink(text: string): boolean {
    const body = jsonObject(text);
    const account = this.accounts.find(body?.apikey);
    if (!account?.flakyRegister || body?.target_serial !== account.flakyRegister || typeof body.ext_id !== 'string') return false;
    const key = `${account.credentials.apiKey}\n${body.ext_id}`;
    const seen = this.flakyAttempts.get(key) ?? 0;
    if (seen >= FLAKY_FAILURES) return false;
    this.flakyAttempts.set(key, seen + 1);
    return true;
  }

  private createXReport(text: string): SimulatedResponse {
    const body = jsonObject(text);
    if (!body) return answer(6000, 'Неверный формат данных.');
    const login = typeof body.login === 'string' ? body.login : '';
    // The apikey's company, when the login is one of its users; a login no company has is 6009.
    const account = this.accounts.find(body.apikey);
    if (!account?.users.has(login)) {
      if (!this.accounts.all().some((a) => a.users.has(login))) return answer(6009, 'Не удалось найти пользователя по login.');
      // Another company's login with this apikey (or an unknown apikey) is a login and apikey that do not go together.
      return answer(6010, 'Не удалось найти пользователя по login и apikey.');
    }
    account.calls += 1;
    const refusal = account.users.get(login);
    if (refusal) return answer(refusal.code, refusal.message);

    const fields: Record<string, string[]> = {};
    const test = body.test ?? 0;
    if (test !== 0 && test !== 1 && test !== '0' && test !== '1') fields.test = ['Значение «test» должно быть равно «0» или «1».'];
    const extId = body.ext_id === undefined || body.ext_id === null ? null : String(body.ext_id);
    if (extId !== null && extId.length > EXT_ID_MAX)
      fields.ext_id = [`Значение «ext_id» должно содержать максимум ${EXT_ID_MAX} символов.`];
    const callbackUrl = typeof body.callback_url === 'string' && body.callback_url !== '' ? body.callback_url : null;
    if (callbackUrl !== null && callbackUrl.length > CALLBACK_URL_MAX)
      fields.callback_url = [`Значение «callback_url» должно содержать максимум ${CALLBACK_URL_MAX} символов.`];
    let targetSerial = typeof body.target_serial === 'string' && body.target_serial !== '' ? body.target_serial : null;
    if (targetSerial !== null && !account.registers.has(targetSerial)) fields.target_serial = ['Принтер не найден.'];
    if (targetSerial === null) {
      targetSerial = [...account.registers].find(([, r]) => r.active)?.[0] ?? null;
      if (targetSerial === null) fields.target_serial = ['Нет подключенных принтеров.'];
    }
    if (Object.keys(fields).length > 0) return answer(400, 'Ошибка данных.', fields);

    // Test mode: the request is checked, nothing is created, no uuid, no callback.
    if (test === 1 || test === '1') return answer(0, '', []);

    const existing = extId !== null ? account.byExtId.get(extId) : undefined;
    if (existing) return answer(0, '', { uuid: existing });

    const document: LifepaySimulatedDocument = {
      uuid: randomUUID(),
      type: 'x-report',
      login,
      extId,
      targetSerial: targetSerial!,
      callbackUrl,
      callbackData: body.callback_data ?? null,
      createdAt: Date.now(),
    };
    account.documents.set(document.uuid, document);
    if (extId !== null) account.byExtId.set(extId, document.uuid);
    if (callbackUrl && this.callbackDelayMs !== null) setTimeout(() => void this.notify(account, document), this.callbackDelayMs).unref();
    return answer(0, '', { uuid: document.uuid });
  }

  private async notify(account: LifepayAccount, document: LifepaySimulatedDocument): Promise<void> {
    const url = document.callbackUrl!;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          uuid: document.uuid,
          ext_id: document.extId,
          type: document.type,
          status: 'processed',
          callback_data: document.callbackData,
        }),
        signal: AbortSignal.timeout(5000),
      });
      await response.body?.cancel();
      account.callbacksSent.push({ url, status: response.status });
    } catch {
      account.callbacksSent.push({ url, status: 'error' });
    }
  }
}

function newAccount(credentials: LifepayCredentials): LifepayAccount {
  return {
    credentials,
    users: new Map([[credentials.login, null]]),
    registers: new Map(),
    documents: new Map(),
    byExtId: new Map(),
    callbacksSent: [],
    flakyRegister: undefined,
    calls: 0,
  };
}

function seedAccount(account: LifepayAccount, seed: LifepaySeed): void {
  account.registers.set(seed.register, { model: 'АТОЛ 30Ф', active: true });
  account.registers.set(seed.secondRegister, { model: 'АТОЛ 11Ф', active: true });
  account.registers.set(seed.inactiveRegister, { model: 'Штрих-М-01Ф', active: false });
  account.registers.set(seed.flakyRegister, { model: 'АТОЛ 30Ф', active: true });
  account.flakyRegister = seed.flakyRegister;
  for (const [login, refusal] of SEEDED_REFUSALS) account.users.set(seed[login], refusal);
}

/** What LifePay's front server answers during an outage: not the JSON envelope. */
const UNAVAILABLE: SimulatedResponse = { status: 503, text: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' };

function answer(code: number, message: string, data: unknown = []): SimulatedResponse {
  return { json: { code, message, data } };
}
