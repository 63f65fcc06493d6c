import type { Config } from './config.js';
import type { Vendors } from './context.js';
import { createVendorHttp } from './http.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { ApiusbClient } from './logistics/apiusb-client.js';
import { LifepayClient, lifepayAnswered } from './fiscal/lifepay-client.js';
import { PickupClient } from './pickup/pickup-client.js';
import { FeyinClient } from './printing/feyin-client.js';

/** One client per vendor, each on its own instance of the shared HTTP factory. */
export function createVendors(config: Config, logger: Logger, metrics?: ServiceMetrics): Vendors {
  const http = (vendor: Parameters<typeof createVendorHttp>[0]['vendor'], baseUrl: string, acceptStatuses?: (status: number) => boolean) =>
    createVendorHttp({
      vendor,
      baseUrl,
      timeoutMs: config.vendorTimeoutMs,
      maxBodyBytes: config.vendorMaxBodyBytes,
      logger,
      metrics,
      acceptStatuses,
    });
  return {
    feyin: new FeyinClient(config.feyin, http('FEYIN', config.feyin.baseUrl), {
      batchConcurrency: config.vendorConcurrency,
      onTokenRenew: () => metrics?.tokenRenewals.inc({ vendor: 'FEYIN' }),
    }),
    pickup: new PickupClient(config.pickup, http('PICKUP', config.pickup.baseUrl ?? 'http://pickup.invalid')),
    apiusb: new ApiusbClient(config.apiusb, http('APIUSB', config.apiusb.baseUrl), {
      onTokenRenew: () => metrics?.tokenRenewals.inc({ vendor: 'APIUSB' }),
    }),
    lifepay: new LifepayClient(config.lifepay, http('LIFEPAY', config.lifepay.baseUrl, lifepayAnswered)),
  };
}
