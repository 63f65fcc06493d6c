import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { heapRoom } from '../config.js';
import { formatError } from '../errors/errors.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { limitRules, type QueryLimits } from './limits.js';

/** What both subscription transports (graphql-ws, the router's HTTP callbacks) share. */
export type SubscriptionTransport = 'graphql-ws' | 'callback';

export interface SubscriptionRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** GraphQL's own rules plus depth and cost, as for a query over HTTP. */
export function subscriptionRules(limits?: QueryLimits): typeof specifiedRules {
  return [...specifiedRules, ...(limits ? limitRules(limits) : [])];
}

/** A subscription request, checked: the document to run, or the errors to answer with; its operation's name either way when it parsed. */
export type PreparedSubscription =
  | { document: DocumentNode; errors?: undefined; operationName?: string }
  | { document?: undefined; errors: GraphQLError[]; operationName?: string };

/**
 * Subscription documents that parsed and passed validation, by their text: subscribers sending the
 * same document (every screen of one app) share one parsed copy instead of holding ~7 KB of AST
 * and tokens each, and skip validating it again. Bounded; the oldest goes first.
 */
export class CheckedDocuments {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(
    private readonly max = 256,
    /** Longer documents are not kept: the bound holds at most max × this of text. */
    private readonly maxLength = 8 * 1024,
  ) {}

  get(query: string): DocumentNode | undefined {
    return this.documents.get(query);
  }

  add(query: string, document: DocumentNode): void {
    if (query.length > this.maxLength) return;
    if (this.documents.size >= this.max) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, document);
  }
}

/**
 * Parse, validate (GraphQL's rules, depth and cost) and accept subscriptions only. `elsewhere`
 * says where queries and mutations go instead. A document `checked` holds is neither parsed nor
 * validated again (validation reads no variables).
 */
export function prepareSubscription(
  schema: GraphQLSchema,
  rules: typeof specifiedRules,
  payload: SubscriptionRequest,
  elsewhere: string,
  checked?: CheckedDocuments,
): PreparedSubscription {
  let document = checked?.get(payload.query);
  if (!document) {
    try {
      document = parse(payload.query);
    } catch (error) {
      return {
        errors: [requestError((error as Error).message, 'GRAPHQL_PARSE_FAILED')],
        operationName: payload.operationName ?? undefined,
      };
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) {
      const errors = invalid.map((error) =>
        typeof error.extensions.code === 'string' ? error : requestError(error.message, 'GRAPHQL_VALIDATION_FAILED', error),
      );
      return { errors, operationName: payload.operationName ?? getOperationAST(document, payload.operationName)?.name?.value };
    }
    checked?.add(payload.query, document);
  }
  // The name asked for, else the document's own (as Apollo names an HTTP operation): for logs and metrics.
  const operation = getOperationAST(document, payload.operationName);
  const operationName = payload.operationName ?? operation?.name?.value;
  if (operation?.operation !== 'subscription') return { errors: [requestError(elsewhere, 'BAD_USER_INPUT')], operationName };
  return { document, operationName };
}

/** Past this share of V8's old generation in use, no new subscription is taken (each holds its share until it ends). */
const HEAP_SHARE_FOR_SUBSCRIPTIONS = 0.8;

/**
 * V8's young generation: three semi-spaces of `--max-semi-space-size` (16 MB on 64-bit when not
 * given). The old generation's bound (--max-old-space-size) is the heap limit without it: what a
 * process runs out of when it dies of "heap out of memory".
 */
const youngGenerationBytes = (() => {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  const semiSpaceMb = Number(/--max-semi-space-size[= ](\d+)/.exec(flags)?.[1] ?? 16);
  return 3 * semiSpaceMb * 1024 * 1024;
})();
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

const oldGenerationBytes = () => getHeapStatistics().heap_size_limit - youngGenerationBytes;

/** The old generation in use ÷ its bound. */
function usedHeapShare(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!YOUNG_SPACES.has(space.space_name)) used += space.space_used_size;
  return used / oldGenerationBytes();
}

/** Heap one open subscription holds (measured: ~14 KB live with graphql-ws, bench:subscriptions), with room. */
const SUBSCRIPTION_HEAP_BYTES = 16 * 1024;
/** The share of the old generation open subscriptions may take; the rest is the service's own and each request's. */
const SUBSCRIPTIONS_HEAP_SHARE = 0.7;

/**
 * How many subscriptions this process's heap holds: 5,700 with npm start's 128 MB old generation,
 * 11,400 with 256 MB. A burst of subscribes is reserved before their memory is taken, so the
 * count itself must stay within the heap; a live share check alone comes too late.
 */
export function heapSizedSubscriptions(oldGeneration = oldGenerationBytes()): number {
  return heapRoom(oldGeneration, SUBSCRIPTIONS_HEAP_SHARE, SUBSCRIPTION_HEAP_BYTES);
}

/**
 * The open-subscription count against SUBSCRIPTIONS_MAX, one per process for every transport,
 * with the `graphql_subscriptions_open` gauge by transport.
 */
export class SubscriptionSlots {
  private open = 0;

  /** SUBSCRIPTIONS_MAX, or what the heap holds when that is less. */
  readonly max: number;

  /**
   * `heapUsedShare` (V8's old generation in use ÷ its bound, injected for tests): a subscription
   * holds ~14 KB of heap as long as it is open, so past HEAP_SHARE_FOR_SUBSCRIPTIONS a new one is
   * refused like one over SUBSCRIPTIONS_MAX, before the start command's heap bound is reached and
   * the process dies (10,000 do not fit its 128 MB). `heapHolds`: heapSizedSubscriptions().
   */
  constructor(
    /** SUBSCRIPTIONS_MAX as configured. */
    readonly configuredMax: number,
    private readonly metrics?: ServiceMetrics,
    private readonly heapUsedShare: () => number = usedHeapShare,
    heapHolds = heapSizedSubscriptions(),
  ) {
    this.max = Math.min(configuredMax, heapHolds);
  }

  /** Subscriptions open now, all transports. */
  get size(): number {
    return this.open;
  }

  /** A place under SUBSCRIPTIONS_MAX and its release (idempotent), or the retryable refusal. */
  reserve(transport: SubscriptionTransport): (() => void) | GraphQLError {
    if (this.open >= this.max) {
      // SERVICE_UNAVAILABLE: this service (not a vendor, not the caller) cannot take it now, and
      // another replica or a later try can: the vocabulary's one retryable code of our own.
      return new GraphQLError(
        'This service has as many subscriptions open as it serves (SUBSCRIPTIONS_MAX, or what its heap holds); try again later',
        {
          extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
        },
      );
    }
    if (this.heapUsedShare() > HEAP_SHARE_FOR_SUBSCRIPTIONS) {
      return new GraphQLError('This service is short of memory for another subscription; try again later', {
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      });
    }
    this.open++;
    this.metrics?.subscriptionsOpen.inc({ transport });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      this.metrics?.subscriptionsOpen.dec({ transport });
    };
  }

  /** One event sent on `transport`. */
  sent(transport: SubscriptionTransport): void {
    this.metrics?.subscriptionEvents.inc({ transport });
  }
}

/** Errors as the vocabulary shapes them; a source stream's failure comes bare, its original error holds the code. */
export function formatSubscriptionErrors(errors: readonly GraphQLError[], exposeInternals: boolean): GraphQLFormattedError[] {
  return errors.map((error) => formatError(error.toJSON(), error.originalError ?? error, { exposeInternals }));
}

/** A source stream's failure as a GraphQL error; its original error keeps the code for the vocabulary. */
export function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : 'Internal server error', {
    originalError: error instanceof Error ? error : undefined,
  });
}

function requestError(message: string, code: string, original?: GraphQLError): GraphQLError {
  return new GraphQLError(message, {
    nodes: original?.nodes,
    source: original?.source,
    positions: original?.positions,
    extensions: { code, retryable: false },
  });
}
