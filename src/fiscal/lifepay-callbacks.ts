import type { CallbackTokens } from './callback-tokens.js';
import { DEFAULT_MERCHANT } from '../merchants/merchant.js';
import { readLimited, sendJson } from '../http/http-body.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { HttpRoute } from '../graphql/domain.js';
import type { XReports } from './x-reports.js';

const LIFEPAY_CALLBACK_PATH = '/callbacks/lifepay';
const CALLBACK_BODY_LIMIT = 64 * 1024;
/** Distinct callbacks kept per document; LifePay sends one or two, more is a replaying sender. */
const CALLBACKS_PER_DOCUMENT = 20;
/** LifePay's limit for `callback_url`. */
const CALLBACK_URL_MAX = 255;
const VENDOR = 'LIFEPAY';

/**
 * What a callback URL's token signs: the extId for `default` (URLs handed out before merchants
 * keep working), the merchant and the extId for any other (an extId is unique per merchant only).
 */
const signedId = (merchantId: string, extId: string) => (merchantId === DEFAULT_MERCHANT ? extId : `${merchantId}\n${extId}`);

/**
 * `PUBLIC_URL/callbacks/lifepay/<extId>/<token>` for `default`, `…/lifepay/<merchant>/<extId>/<token>`
 * for another merchant; undefined when it would not fit LifePay's limit.
 */
export function lifepayCallbackUrl(publicUrl: string, tokens: CallbackTokens, merchantId: string, extId: string): string | undefined {
  const merchantPart = merchantId === DEFAULT_MERCHANT ? '' : `/${merchantId}`;
  const token = tokens.tokenFor(VENDOR, signedId(merchantId, extId));
  const url = `${publicUrl}${LIFEPAY_CALLBACK_PATH}${merchantPart}/${encodeURIComponent(extId)}/${token}`;
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
    pattern: /^\/callbacks\/lifepay\/(?:([A-Za-z0-9_.-]{1,64})\/)?([^/]+)\/([^/]+)$/,
    async handle(req, res, match) {
      const merchantId = match[1] ?? DEFAULT_MERCHANT;
      let extId: string;
      try {
        extId = decodeURIComponent(match[2]);
      } catch {
        count('not_found');
        return sendJson(res, 404, { error: 'not found' });
      }
      // Same answer for a wrong token and an unknown document: nothing to probe. The token is the
      // merchant's proof: a document is only ever reached through its own merchant's URL.
      if (match[1] === DEFAULT_MERCHANT || !options.tokens.verify(VENDOR, signedId(merchantId, extId), match[3])) {
        count('not_found');
        return sendJson(res, 404, { error: 'not found' });
      }
      const body = await readLimited(req, CALLBACK_BODY_LIMIT);
      if (body === null) {
        count('too_large');
        return sendJson(res, 413, { error: `body larger than ${CALLBACK_BODY_LIMIT} bytes` });
      }
      const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'].slice(0, 200) : null;
      const outcome = await options.xReports.recordCallback(merchantId, extId, { body, contentType }, CALLBACKS_PER_DOCUMENT);
      if (outcome === 'unknown') {
        count('not_found');
        return sendJson(res, 404, { error: 'not found' });
      }
      count('accepted');
      if (outcome === 'stored')
        options.logger.info({ extId, merchant: merchantId, bytes: Buffer.byteLength(body) }, 'LifePay callback stored; document PROCESSED');
      else if (outcome === 'duplicate') options.logger.debug({ extId, merchant: merchantId }, 'LifePay callback replayed: already stored');
      else
        options.logger.warn(
          { extId, merchant: merchantId, kept: CALLBACKS_PER_DOCUMENT },
          'LifePay callback not stored: this document has the most callbacks kept',
        );
      // 200 in every case: the sender has been heard and should stop repeating.
      sendJson(res, 200, { status: 'ok' });
    },
  };
}
