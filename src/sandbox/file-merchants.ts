import type { Vendor } from '../errors/errors.js';
import type { Merchant } from '../merchants/merchant.js';
import type { Logger } from '../observability/logger.js';
import type { Learned } from './simulated-accounts.js';
import type { VendorSandbox } from './vendor-sandbox.js';
import type { Simulators } from './simulators.js';

/**
 * Sandbox mode's MERCHANTS_FILE merchants. Every account a file merchant has is pointed at the
 * simulators (nothing leaves the machine), and each simulator learns the accounts it is given, as
 * a real vendor knows its accounts from its console: a sandbox-only step, after which signatures,
 * tokens, expiry and error codes are checked as for any account. A learned account gets its own
 * copy of the seed listed for `default`, so the README's ids work for every merchant. Runs at
 * start and on every reload, so a merchant added to the file works at once.
 */
export class SandboxFileMerchants {
  /** Feyin's callback route of this service, once it listens: each learned member calls back to `<route>/<merchant>`. */
  private callbackRoute: string | undefined;
  /** Feyin member code → the merchant that taught it. */
  private readonly feyinMembers = new Map<string, string>();

  constructor(
    private readonly running: { sandbox: VendorSandbox; simulators: Simulators },
    private readonly logger: Logger,
  ) {}

  /** For `Merchants`' `adapt`: teaches the simulators the merchants' accounts and points each account at them. */
  readonly adapt = (merchants: Merchant[]): Merchant[] => {
    const learned: string[] = [];
    const refused: string[] = [];
    for (const merchant of merchants) {
      const outcomes = this.teach(merchant);
      const vendors = (outcome: Learned) => outcomes.filter(([, o]) => o === outcome).map(([vendor]) => vendor);
      if (vendors('learned').length > 0) learned.push(`${merchant.id} (${vendors('learned').join(', ')})`);
      if (vendors('conflict').length > 0) refused.push(`${merchant.id} (${vendors('conflict').join(', ')})`);
    }
    if (learned.length > 0) {
      this.logger.info(
        { merchants: learned },
        `sandbox: the simulators know the accounts of MERCHANTS_FILE's merchants ${learned.join(', ')}, ` +
          'each with its own copy of the ids seeded for default (real vendors know their accounts from their consoles; the simulators learn them from the file, in sandbox mode only)',
      );
    }
    if (refused.length > 0) {
      this.logger.warn(
        { merchants: refused },
        `sandbox: MERCHANTS_FILE's ${refused.join(', ')} name an account the simulators already know with other secrets ` +
          "(the sandbox's own, or another merchant's): that vendor refuses their calls (VENDOR_AUTH_FAILED); give them a member code, Appid, app key or API key of their own",
      );
    }
    return merchants.map((merchant) => this.pointed(merchant));
  };

  /** Feyin's console setting of every member the file taught: its callbacks come to this service's route for its merchant. */
  sendCallbacksTo(callbackRoute: string): void {
    this.callbackRoute = callbackRoute;
    for (const [memberCode, merchantId] of this.feyinMembers) {
      this.running.simulators.feyin.setCallbackUrl(memberCode, `${callbackRoute}/${merchantId}`);
    }
  }

  /** Each vendor the merchant has an account with, and what its simulator made of it. */
  private teach(merchant: Merchant): Array<[Vendor, Learned]> {
    const { feyin, pickup, apiusb, lifepay } = this.running.simulators;
    const { id } = merchant;
    const outcomes: Array<[Vendor, Learned]> = [];
    const f = merchant.feyin;
    if (!f.missing && f.memberCode && f.apiKey) {
      const outcome = feyin.learnAccount(
        id,
        { memberCode: f.memberCode, apiKey: f.apiKey, appId: f.appId, callbackKey: f.callbackKey },
        this.callbackRoute && `${this.callbackRoute}/${id}`,
      );
      if (outcome === 'learned') this.feyinMembers.set(f.memberCode, id);
      outcomes.push(['FEYIN', outcome]);
    }
    const p = merchant.pickup;
    if (!p.missing && p.appId && p.appSecret && p.signKey) {
      outcomes.push(['PICKUP', pickup.learnAccount(id, { appId: p.appId, appSecret: p.appSecret, signKey: p.signKey })]);
    }
    const a = merchant.apiusb;
    if (!a.missing && a.accessToken) outcomes.push(['APIUSB', apiusb.learnAccount(id, { accessToken: a.accessToken })]);
    else if (!a.missing && a.appKey && a.appSecret)
      outcomes.push(['APIUSB', apiusb.learnAccount(id, { appKey: a.appKey, appSecret: a.appSecret })]);
    const l = merchant.lifepay;
    if (!l.missing && l.apiKey) outcomes.push(['LIFEPAY', lifepay.learnAccount(id, { apiKey: l.apiKey, login: l.login })]);
    return outcomes;
  }

  /** The merchant with every account at the simulators' URLs, whatever `baseUrl` the file gave. */
  private pointed(merchant: Merchant): Merchant {
    const { sandbox, simulators } = this.running;
    const url = (simulator: keyof Simulators) => sandbox.baseUrl(simulators[simulator]);
    return {
      ...merchant,
      feyin: { ...merchant.feyin, baseUrl: url('feyin') },
      pickup: { ...merchant.pickup, baseUrl: url('pickup') },
      apiusb: { ...merchant.apiusb, baseUrl: url('apiusb') },
      lifepay: { ...merchant.lifepay, baseUrl: url('lifepay') },
    };
  }
}
