import { randomUUID } from 'node:crypto';
import { jsonObject, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';

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
 */
export class LifepaySimulator implements Simulator {
  readonly prefix = '/lifepay';
  readonly registers = new Map<string, LifepaySimulatedRegister>();
  readonly documents = new Map<string, LifepaySimulatedDocument>();
  /** Callbacks posted, and how each went (HTTP status or 'error'). */
  readonly callbacksSent: Array<{ url: string; status: number | 'error' }> = [];
  private readonly byExtId = new Map<string, string>();
  private readonly credentials: LifepayCredentials;
  private readonly callbackDelayMs: number | null;
  private unavailableRequests = 0;
  private unavailableUntil = 0;
  private readonly flakyAttempts = new Map<string, number>();

  constructor(options: { credentials?: LifepayCredentials; seed?: boolean; callbackDelayMs?: number | null } = {}) {
    this.credentials = options.credentials ?? LIFEPAY_SANDBOX_CREDENTIALS;
    this.callbackDelayMs = options.callbackDelayMs === undefined ? 200 : options.callbackDelayMs;
    if (options.seed ?? true) this.seed();
  }

  /** The next `requests` requests get HTTP 503, as during a LifePay outage (0 ends it). */
  answerUnavailable(requests: number): void {
    this.unavailableRequests = requests;
  }

  /** Every request for the next `ms` milliseconds gets HTTP 503 (0 ends it). */
  answerUnavailableFor(ms: number): void {
    this.unavailableUntil = ms > 0 ? Date.now() + ms : 0;
  }

  documentsWithExtId(extId: string): LifepaySimulatedDocument[] {
    return [...this.documents.values()].filter((d) => d.extId === extId);
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

  /** True while a request for the flaky register is among the first ones of its ext_id. */
  private flakyLink(text: string): boolean {
    let body: { target_serial?: unknown; ext_id?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return false;
    }
    if (body?.target_serial !== LIFEPAY_SEED.flakyRegister || typeof body.ext_id !== 'string') return false;
    const seen = this.flakyAttempts.get(body.ext_id) ?? 0;
    if (seen >= FLAKY_FAILURES) return false;
    this.flakyAttempts.set(body.ext_id, seen + 1);
    return true;
  }

  private createXReport(text: string): SimulatedResponse {
    const body = jsonObject(text);
    if (!body) return answer(6000, 'Неверный формат данных.');
    const login = typeof body.login === 'string' ? body.login : '';
    const knownLogins = [this.credentials.login, LIFEPAY_SEED.fiscalisationOffLogin, LIFEPAY_SEED.noAccessLogin];
    if (!knownLogins.includes(login)) return answer(6009, 'Не удалось найти пользователя по login.');
    if (body.apikey !== this.credentials.apiKey) return answer(6010, 'Не удалось найти пользователя по login и apikey.');
    if (login === LIFEPAY_SEED.noAccessLogin) return answer(6095, 'Доступ запрещен.');
    if (login === LIFEPAY_SEED.fiscalisationOffLogin) return answer(6080, 'Облачная фискализация запрещена.');

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
    if (targetSerial !== null && !this.registers.has(targetSerial)) fields.target_serial = ['Принтер не найден.'];
    if (targetSerial === null) {
      targetSerial = [...this.registers].find(([, r]) => r.active)?.[0] ?? null;
      if (targetSerial === null) fields.target_serial = ['Нет подключенных принтеров.'];
    }
    if (Object.keys(fields).length > 0) return answer(400, 'Ошибка данных.', fields);

    // Test mode: the request is checked, nothing is created, no uuid, no callback.
    if (test === 1 || test === '1') return answer(0, '', []);

    const existing = extId !== null ? this.byExtId.get(extId) : undefined;
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
    this.documents.set(document.uuid, document);
    if (extId !== null) this.byExtId.set(extId, document.uuid);
    if (callbackUrl && this.callbackDelayMs !== null) setTimeout(() => void this.notify(document), this.callbackDelayMs).unref();
    return answer(0, '', { uuid: document.uuid });
  }

  private async notify(document: LifepaySimulatedDocument): Promise<void> {
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
      this.callbacksSent.push({ url, status: response.status });
    } catch {
      this.callbacksSent.push({ url, status: 'error' });
    }
  }

  private seed(): void {
    this.registers.set(LIFEPAY_SEED.register, { model: 'АТОЛ 30Ф', active: true });
    this.registers.set(LIFEPAY_SEED.secondRegister, { model: 'АТОЛ 11Ф', active: true });
    this.registers.set(LIFEPAY_SEED.inactiveRegister, { model: 'Штрих-М-01Ф', active: false });
    this.registers.set(LIFEPAY_SEED.flakyRegister, { model: 'АТОЛ 30Ф', active: true });
  }
}

/** What LifePay's front server answers during an outage: not the JSON envelope. */
const UNAVAILABLE: SimulatedResponse = { status: 503, text: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' };

function answer(code: number, message: string, data: unknown = []): SimulatedResponse {
  return { json: { code, message, data } };
}
