import { missingSettings, type ApiusbConfig } from '../merchants/accounts.js';
import { requireSettings, VendorError, vendorUnavailable } from '../errors/errors.js';
import { expectJsonObject, type VendorHttp } from '../vendor-http/vendor-http.js';
import type { CallScope } from '../observability/request-scope.js';
import { TokenCache, withTokenRenewal, type SharedTokenSlot, type TokenEvents } from '../vendor-http/token-cache.js';
import { APIUSB_BAD_TOKEN, APIUSB_OK, apiusbError, type ApiusbBusinessAnswer, type ApiusbEnvelope } from './apiusb-errors.js';

/** PhalApi issues JWTs valid about 30 days; without an announced lifetime, renew daily. */
const DEFAULT_TOKEN_LIFETIME_SEC = 86_400;

/**
 * APIUSB's PhalApi endpoint (VENDORS.md §3): the service named by `s`, parameters as POST
 * form fields so order data and tokens stay out of URLs and access logs.
 */
export class ApiusbClient {
  private readonly tokens?: TokenCache;

  constructor(
    private readonly config: ApiusbConfig,
    private readonly http: VendorHttp,
    options: { tokenEvents?: TokenEvents; sharedToken?: { slot: SharedTokenSlot; fetchLeaseMs: number } } = {},
  ) {
    if (!config.accessToken && config.appKey && config.appSecret) {
      this.tokens = new TokenCache(() => this.applyToken(), {
        ...options.tokenEvents,
        shared: options.sharedToken?.slot,
        fetchLeaseMs: options.sharedToken?.fetchLeaseMs,
      });
    }
  }

  async cancelOrder(order: { orderId: string; taskId: string; reason: string }, scope?: CallScope): Promise<void> {
    requireSettings('APIUSB', missingSettings.APIUSB(this.config));
    const fields = { orderId: order.orderId, taskId: order.taskId, cancelMsg: order.reason };
    const envelope = await this.callWithToken('App.Logistics.CCancelOrder', fields, scope);
    const business = envelope.data as ApiusbBusinessAnswer | null | undefined;
    // `ret` 200 only means the request was well-formed: the business answer must say 200 too.
    if (typeof business !== 'object' || business === null || Number(business.code) !== APIUSB_OK) throw this.refusal(envelope);
  }

  private async callWithToken(service: string, fields: Record<string, string>, scope: CallScope | undefined): Promise<ApiusbEnvelope> {
    if (this.config.accessToken) {
      const envelope = await this.call(service, { ...fields, access_token: this.config.accessToken }, scope);
      return this.accept(envelope);
    }
    if (!this.tokens) return this.accept(await this.call(service, fields, scope));
    const envelope = await withTokenRenewal(
      this.tokens,
      (token) => this.call(service, { ...fields, access_token: token }, scope),
      (answer) => answer.ret === APIUSB_BAD_TOKEN,
    );
    return this.accept(envelope);
  }

  private accept(envelope: ApiusbEnvelope): ApiusbEnvelope {
    if (envelope.ret !== APIUSB_OK) throw this.refusal(envelope);
    return envelope;
  }

  /** The vendor's refusal, with our own credentials cut out of anything it says. */
  private refusal(envelope: ApiusbEnvelope): VendorError {
    return apiusbError(envelope, [this.config.accessToken, this.config.appKey, this.config.appSecret, this.tokens?.cached]);
  }

  private async applyToken() {
    const envelope = await this.call('App.Auth.ApplyToken', { app_key: this.config.appKey!, app_secret: this.config.appSecret! });
    if (envelope.ret !== APIUSB_OK) {
      if (envelope.ret === 400 || envelope.ret === APIUSB_BAD_TOKEN) {
        throw new VendorError('APIUSB', 'VENDOR_AUTH_FAILED', 'APIUSB refused the configured app key or secret', {
          vendorCode: envelope.ret,
        });
      }
      throw this.refusal(envelope);
    }
    // The field name is undocumented: PhalApi's convention first, then common alternatives.
    const data = (envelope.data ?? {}) as Record<string, unknown>;
    const token = [data.access_token, data.token, typeof envelope.data === 'string' ? envelope.data : undefined].find(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
    if (!token) throw vendorUnavailable('APIUSB', { message: 'the token answer carries no token' });
    return { token, expiresInSec: Number(data.expires_in) || DEFAULT_TOKEN_LIFETIME_SEC };
  }

  private async call(service: string, form: Record<string, string>, scope?: CallScope): Promise<ApiusbEnvelope> {
    const response = await this.http({ method: 'POST', path: '', searchParams: { s: service }, form, operation: service, scope });
    const envelope = expectJsonObject('APIUSB', response, 'a PhalApi envelope');
    if (typeof envelope.ret !== 'number') throw vendorUnavailable('APIUSB', { message: 'the answer is not a PhalApi envelope' });
    return envelope as unknown as ApiusbEnvelope;
  }
}
