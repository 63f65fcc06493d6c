import type { CallbackTokens } from '../callback-tokens.js';
import { readLimited, sendJson } from '../http-body.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { HttpRoute } from '../domain.js';
import type { XReports } from './x-reports.js';

const LIFEPAY_CALLBACK_PATH = '/callbacks/lifepay';
const CALLBACK_BODY_LIMIT = 64 * 1024;
/** Distinct callbacks kept per document; LifePay sends one or two, more is a replaying sender. */
const CALLBACKS_PER_DOCUMENT = 20;
/** LifePay's limit for `callback_url`. */
const CALLBACK_URL_MAX = 255;
const VENDOR = 'LIFEPAY';

/** `PUBLIC_URL/callbacks/lifepay/<extId>/<token>`, or undefined when it would not fit LifePay's limit. */
export function lifepayCallbackUrl(publicUrl: string, tokens: CallbackTokens, extId: string): string | undefined {
  const url = `${publicUrl}${LIFEPAY_CALLBACK_PATH}/${encodeURIComponent(extId)}/${tokens.tokenFor(VENDOR, extId)}`;
  return url.length <= CALLBACK_URL_MAX ? url : undefined;
}

/**
 * LifePay's notifications about a document. Their format is undocumented, so the body is
 * stored verbatim; the caller is authenticated by the token in the path only.
 */
export function lifepayCallbackRoute(options: {
  tokens: CallbackTokens;
  xReports: XReports;
  logger: Logger;
  metrics?: ServiceMetrics;
}): HttpRoute {
  const count = (outcome: string) => options.metrics?.vendorCallbacks.inc({ vendor: VENDOR, outcome });
  return {
    method: 'POST',
    pattern: /^\/callbacks\/lifepay\/([^/]+)\/([^/]+)$/,
    async handle(req, res, match) {
      let extId: string;
      try {
        extId = decodeURIComponent(match[1]);
      } catch {
        count('not_found');
        return sendJson(res, 404, { error: 'not found' });
      }
      // Same answer for a wrong token and an unknown document: nothing to probe.
      if (!options.tokens.verify(VENDOR, extId, match[2])) {
        count('not_found');
        return sendJson(res, 404, { error: 'not found' });
      }
      const body = await readLimited(req, CALLBACK_BODY_LIMIT);
      if (body === null) {
        count('too_large');
        return sendJson(res, 413, { error: `body larger than ${CALLBACK_BODY_LIMIT} bytes` });
      }
      const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'].slice(0, 200) : null;
      const outcome = await options.xReports.recordCallback(extId, { body, contentType }, CALLBACKS_PER_DOCUMENT);
      if (outcome === 'unknown') {
        count('not_found');
        return sendJson(res, 404, { error: 'not found' });
      }
      count('accepted');
      if (outcome === 'stored')
        options.logger.info({ extId, bytes: Buffer.byteLength(body) }, 'LifePay callback stored; document PROCESSED');
      else if (outcome === 'duplicate') options.logger.debug({ extId }, 'LifePay callback replayed: already stored');
      else
        options.logger.warn(
          { extId, kept: CALLBACKS_PER_DOCUMENT },
          'LifePay callback not stored: this document has the most callbacks kept',
        );
      // 200 in every case: the sender has been heard and should stop repeating.
      sendJson(res, 200, { status: 'ok' });
    },
  };
}
