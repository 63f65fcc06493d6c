import type { HttpRoute } from '../domain.js';
import { readLimited, sendJson } from '../http-body.js';
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
  /** FEYIN_CALLBACK_KEY and CALLBACK_MAX_AGE. */
  check: FeyinCallbackCheck;
  logger: Logger;
  metrics?: ServiceMetrics;
}

/**
 * `POST /callbacks/feyin`, the one URL set in Feyin's console (VENDORS.md §1). A callback is
 * applied only once its secret and time check out; a refused one stores and announces nothing.
 * Neither the body nor the secret is ever logged.
 */
export function feyinCallbackRoute(options: FeyinCallbackRouteOptions): HttpRoute {
  const { reports, logger, metrics } = options;
  const count = (outcome: string) => metrics?.vendorCallbacks.inc({ vendor: VENDOR, outcome });
  const refuse = (res: Parameters<HttpRoute['handle']>[1], status: number, reason: string) => {
    count(reason);
    logger.warn({ vendor: VENDOR, reason, status }, 'Feyin callback refused');
    sendJson(res, status, { errcode: status, errmsg: reason });
  };

  /** Stores what the callback says; announces it only when it changed something. */
  const apply = async (callback: FeyinCallback): Promise<void> => {
    switch (callback.msgType) {
      case 'msg_printed': {
        const { msgNo, deviceNo, printedAt } = callback;
        if (await reports.recordPrinted({ msgNo, deviceNo, printedAt })) {
          await reports.announce('PrintMessage', msgNo);
          logger.info({ msgNo, deviceNo, printedAt }, 'Feyin callback: message printed');
        } else logger.debug({ msgNo }, 'Feyin callback replayed: message already recorded as printed');
        return;
      }
      case 'device_status': {
        const { deviceNo, onlineStatus: status, paperStatus } = callback;
        if (await reports.recordPrinterStatus({ deviceNo, status, paperStatus })) {
          await reports.announce('Printer', deviceNo);
          logger.info({ deviceNo, status, paperStatus }, 'Feyin callback: printer status');
        } else logger.debug({ deviceNo }, 'Feyin callback: printer status unchanged');
        return;
      }
      case 'auth_added':
      case 'auth_removed':
        logger.info({ msgType: callback.msgType, uid: callback.uid, appId: callback.appId }, 'Feyin callback: app authorisation changed');
        return;
      case 'heartbeat':
        logger.debug('Feyin callback: heartbeat');
        return;
    }
  };

  return {
    method: 'POST',
    pattern: new RegExp(`^${FEYIN_CALLBACK_PATH}$`),
    async handle(req, res) {
      // Read within the server's request deadline (HTTP_REQUEST_TIMEOUT_MS), like every request body.
      const text = await readLimited(req, CALLBACK_BODY_LIMIT);
      if (text === null) return refuse(res, 413, 'too_large');
      const reading = readFeyinCallback(text, options.check);
      if (!reading.ok) {
        if (reading.reason === 'no_key')
          logger.error('FEYIN_CALLBACK_KEY (or FEYIN_API_KEY) is not set: Feyin callbacks cannot be verified');
        return refuse(res, REFUSAL_STATUS[reading.reason], reading.reason);
      }
      try {
        await apply(reading.callback);
      } catch (error) {
        // Not acknowledged: Feyin sends it again, and a replay is applied once.
        count('store_unavailable');
        logger.warn({ err: error, msgType: reading.callback.msgType }, 'Feyin callback not stored: the database failed');
        return sendJson(res, 503, { errcode: -1, errmsg: 'try again' });
      }
      count('accepted');
      sendJson(res, 200, OK);
    },
  };
}
