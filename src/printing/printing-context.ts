import type { FeyinClient } from './feyin-client.js';
import type { PrintingLoaders } from './printing-loaders.js';

/** The printing domain's part of each request's context. */
export interface PrintingContext {
  feyin: FeyinClient;
  printingLoaders: PrintingLoaders;
}
