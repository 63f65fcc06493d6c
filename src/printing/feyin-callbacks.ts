import type { HttpRoute } from '../graphql/domain.js';
import { DEFAULT_MERCHANT, type Merchant } from '../merchants/merchant.js';
import { readLimited, sendJson } from '../http/http-body.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { readFeyinCallback, REFUSAL_STATUS, type FeyinCallback, type FeyinCallbackCheck } from './feyin-callback.js';
import type { FeyinReports } from './feyin-reports.js';

export const FEYIN_CALLBACK_PATH = '/callbacks/feyin';
/** As LifePay's: Feyin's callbacks are a few hundred bytes. */
const CALLBACK_BODY_LIMIT = 64 * 1024;
const VENDOR = 'FEYIN';
/** What Feyin expects back from a receiver that took the callback. */
const OK = { errcode: 0, errmsg: 'ok' };

export interface FeyinCallbackRouteOptions {
  reports: FeyinReports;
  /** Whose key checks a callback: the merchant named in the path (the bare path is `default`'s). */
  merchants: { get(id: string): Merchant | undefined };
  /** CALLBACK_MAX_AGE. */
  maxAgeSec: number;
  now?: FeyinCallbackCheck['now'];
  logger: Logger;
  metrics?: ServiceMetrics;
}

/**
 * `POST /callbacks/feyin/<merchant>` (the bare path: `default`), the URL set in each member's
 * Feyin console (VENDORS.md §1). A callback is applied, to that merchant's records only, once
 * its secret (that merchant's Feyin key) and time check out; a refused one stores and announces
 * nothing. Neither the body nor the secret is ever logged.
 */
export function feyinCallbackRoute(options: FeyinCallbackRouteOptions): HttpRoute {
  const { reports, logger, metrics } = options;
  const count = (outcome: string) => metrics?.vendorCallbacks.inc({ vendor: VENDOR, outcome });
  const refuse = (res: Parameters<HttpRoute['handle']>[1], status: number, reason: string, merchant: string) => {
    count(reason);
    logger.warn({ vendor: VENDOR, reason, status, merchant }, 'Feyin callback refused');
    sendJson(res, status, { errcode: status, errmsg: reason });
  };

  /** Stores what the callback says for the merchant; announces it only when it changed something. */
  const apply = async (merchant: string, callback: FeyinCallback): Promise<void> => {
    const log = logger.child({ merchant });
    switch (callback.msgType) {
      case 'msg_printed': {
        const { msgNo, deviceNo, printedAt } = callback;
        if (await reports.recordPrinted(merchant, { msgNo, deviceNo, printedAt })) {
          await reports.announce(merchant, 'PrintMessage', msgNo);
          log.info({ msgNo, deviceNo, printedAt }, 'Feyin callback: message printed');
        } else log.debug({ msgNo }, 'Feyin callback replayed: message already recorded as printed');
        return;
      }
      case 'device_status': {
        const { deviceNo, onlineStatus: status, paperStatus } = callback;
        if (await reports.recordPrinterStatus(merchant, { deviceNo, status, paperStatus })) {
          await reports.announce(merchant, 'Printer', deviceNo);
          log.info({ deviceNo, status, paperStatus }, 'Feyin callback: printer status');
        } else log.debug({ deviceNo }, 'Feyin callback: printer status unchanged');
        return;
      }
      case 'auth_added':
      case 'auth_removed':
        log.info({ msgType: callback.msgType, uid: callback.uid, appId: callback.appId }, 'Feyin callback: app authorisation changed');
        return;
      case 'heartbeat':
        log.debug('Feyin callback: heartbeat');
        return;
    }
  };

  return {
    method: 'POST',
    pattern: new RegExp(`^${FEYIN_CALLBACK_PATH}(?:/([^/]+))?$`),
    async handle(req, res, match) {
      const merchantId = match[1] ?? DEFAULT_MERCHANT;
      const merchant = options.merchants.get(merchantId);
      // The path is the sender's: only a configured merchant's id reaches a log line.
      const shownId = merchant ? merchantId : 'unknown';
      // Read within the server's request deadline (HTTP_REQUEST_TIMEOUT_MS), like every request body.
      const text = await readLimited(req, CALLBACK_BODY_LIMIT);
      if (text === null) return refuse(res, 413, 'too_large', shownId);
      const reading = readFeyinCallback(text, { key: merchant?.feyin.callbackKey, maxAgeSec: options.maxAgeSec, now: options.now });
      if (!reading.ok) {
        // An unknown merchant reads like a wrong secret: the path cannot be used to list merchants.
        const reason = reading.reason === 'no_key' && !merchant ? 'bad_secret' : reading.reason;
        if (reason === 'no_key') {
          logger.error(
            { merchant: merchantId },
            merchantId === DEFAULT_MERCHANT
              ? 'FEYIN_CALLBACK_KEY (or FEYIN_API_KEY) is not set: Feyin callbacks cannot be verified'
              : 'This merchant has no Feyin account in MERCHANTS_FILE: its Feyin callbacks cannot be verified',
          );
        }
        return refuse(res, REFUSAL_STATUS[reason], reason, shownId);
      }
      try {
        await apply(merchantId, reading.callback);
      } catch (error) {
        // Not acknowledged: Feyin sends it again, and a replay is applied once.
        count('store_unavailable');
        logger.warn(
          { err: error, msgType: reading.callback.msgType, merchant: merchantId },
          'Feyin callback not stored: the database failed',
        );
        return sendJson(res, 503, { errcode: -1, errmsg: 'try again' });
      }
      count('accepted');
      sendJson(res, 200, OK);
    },
  };
}
