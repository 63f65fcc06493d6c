import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { settingOrCreate, type Store } from '../store/index.js';

const SECRET_SETTING = 'callback_secret';

/**
 * Unguessable per-document tokens for vendor callback URLs: an HMAC of the vendor and the
 * document id with a server secret. The secret is `CALLBACK_SECRET`, or one generated on
 * first start and kept in the store, so URLs handed to a vendor stay valid across restarts.
 */
export class CallbackTokens {
  private constructor(private readonly secret: string) {}

  static async load(config: Pick<Config, 'callbackSecret'>, store: Store): Promise<CallbackTokens> {
    const secret = config.callbackSecret ?? (await settingOrCreate(store, SECRET_SETTING, () => randomBytes(32).toString('base64url')));
    return new CallbackTokens(secret);
  }

  /** 32 URL-safe characters (192 bits), short enough for LifePay's 255-character callback_url. */
  tokenFor(vendor: string, id: string): string {
    return createHmac('sha256', this.secret).update(`${vendor}\n${id}`).digest('base64url').slice(0, 32);
  }

  verify(vendor: string, id: string, token: string): boolean {
    const expected = Buffer.from(this.tokenFor(vendor, id));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
