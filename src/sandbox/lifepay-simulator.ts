import { randomUUID } from 'node:crypto';
import type { SimulatedRequest, SimulatedResponse, Simulator } from './sandbox-http.js';

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
};

const EXT_ID_MAX = 50;
const CALLBACK_URL_MAX = 255;

/**
 * LifePay's cloud-print API as VENDORS.md §4 describes it (`create-x-report`): apikey and
 * login checked (6009/6010), per-field 400 data errors in Russian as LifePay writes them,
 * ext_id idempotency (the first document's uuid), test mode without uuid, and optionally
 * the callback to `callback_url`. Its format is undocumented: the simulator posts
 * `{uuid, ext_id, type, status, callback_data}` as JSON (an assumption, not LifePay's spec).
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
  private unavailableFor = 0;

  constructor(options: { credentials?: LifepayCredentials; seed?: boolean; callbackDelayMs?: number | null } = {}) {
    this.credentials = options.credentials ?? LIFEPAY_SANDBOX_CREDENTIALS;
    this.callbackDelayMs = options.callbackDelayMs === undefined ? 200 : options.callbackDelayMs;
    if (options.seed ?? true) this.seed();
  }

  /** The next `requests` requests get HTTP 503, as during a LifePay outage. */
  answerUnavailable(requests: number): void {
    this.unavailableFor = requests;
  }

  documentsWithExtId(extId: string): LifepaySimulatedDocument[] {
    return [...this.documents.values()].filter((d) => d.extId === extId);
  }

  handle(request: SimulatedRequest): SimulatedResponse {
    if (this.unavailableFor > 0) {
      this.unavailableFor -= 1;
      return { status: 503, text: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' };
    }
    if (request.method === 'POST' && request.path === '/cloud-print/create-x-report') return this.createXReport(request.body);
    return { status: 404, text: '<html><body><h1>404 Not Found</h1></body></html>' };
  }

  private createXReport(text: string): SimulatedResponse {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return answer(6000, 'Неверный формат данных.');
    }
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
    if (extId !== null && extId.length > EXT_ID_MAX) fields.ext_id = [`Значение «ext_id» должно содержать максимум ${EXT_ID_MAX} символов.`];
    const callbackUrl = typeof body.callback_url === 'string' && body.callback_url !== '' ? body.callback_url : null;
    if (callbackUrl !== null && callbackUrl.length > CALLBACK_URL_MAX) fields.callback_url = [`Значение «callback_url» должно содержать максимум ${CALLBACK_URL_MAX} символов.`];
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
        body: JSON.stringify({ uuid: document.uuid, ext_id: document.extId, type: document.type, status: 'processed', callback_data: document.callbackData }),
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
  }
}

function answer(code: number, message: string, data: unknown = []): SimulatedResponse {
  return { json: { code, message, data } };
}
