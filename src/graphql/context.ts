import type { FiscalContext } from '../fiscal/index.js';
import type { LogisticsContext } from '../logistics/index.js';
import type { PickupContext } from '../pickup/index.js';
import type { PrintingContext } from '../printing/index.js';
import type { BaseContext } from '../observability/request-scope.js';

/**
 * What every resolver receives: the request's own part (`BaseContext`, built by the server)
 * and each domain's slice (built by the domain). Types only: nothing here runs.
 */
export type RequestContext = BaseContext & PrintingContext & PickupContext & LogisticsContext & FiscalContext;
