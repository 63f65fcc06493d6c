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
import { formatError } from '../errors.js';
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

/**
 * Parse, validate (GraphQL's rules, depth and cost) and accept subscriptions only: the document,
 * or the errors to answer with. `elsewhere` says where queries and mutations go instead.
 */
export function prepareSubscription(
  schema: GraphQLSchema,
  rules: typeof specifiedRules,
  payload: SubscriptionRequest,
  elsewhere: string,
): DocumentNode | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    return [requestError((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
  }
  const invalid = validate(schema, document, rules);
  if (invalid.length > 0) {
    return invalid.map((error) =>
      typeof error.extensions.code === 'string' ? error : requestError(error.message, 'GRAPHQL_VALIDATION_FAILED', error),
    );
  }
  const operation = getOperationAST(document, payload.operationName);
  if (operation?.operation !== 'subscription') return [requestError(elsewhere, 'BAD_USER_INPUT')];
  return document;
}

/**
 * The open-subscription count against SUBSCRIPTIONS_MAX, one per process for every transport,
 * with the `graphql_subscriptions_open` gauge by transport.
 */
export class SubscriptionSlots {
  private open = 0;

  constructor(
    readonly max: number,
    private readonly metrics?: ServiceMetrics,
  ) {}

  /** Subscriptions open now, all transports. */
  get size(): number {
    return this.open;
  }

  /** A place under SUBSCRIPTIONS_MAX and its release (idempotent), or the retryable refusal. */
  reserve(transport: SubscriptionTransport): (() => void) | GraphQLError {
    if (this.open >= this.max) {
      // SERVICE_UNAVAILABLE: this service (not a vendor, not the caller) cannot take it now, and
      // another replica or a later try can: the vocabulary's one retryable code of our own.
      return new GraphQLError('This service has as many subscriptions open as it serves (SUBSCRIPTIONS_MAX); try again later', {
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

function requestError(message: string, code: string, original?: GraphQLError): GraphQLError {
  return new GraphQLError(message, {
    nodes: original?.nodes,
    source: original?.source,
    positions: original?.positions,
    extensions: { code, retryable: false },
  });
}
