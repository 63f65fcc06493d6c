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
 * Parse, validate (GraphQL's rules, depth and cost) and accept subscriptions only. `elsewhere`
 * says where queries and mutations go instead.
 */
export function prepareSubscription(
  schema: GraphQLSchema,
  rules: typeof specifiedRules,
  payload: SubscriptionRequest,
  elsewhere: string,
): PreparedSubscription {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    return { errors: [requestError((error as Error).message, 'GRAPHQL_PARSE_FAILED')], operationName: payload.operationName ?? undefined };
  }
  // The name asked for, else the document's own (as Apollo names an HTTP operation): for logs and metrics.
  const operation = getOperationAST(document, payload.operationName);
  const operationName = payload.operationName ?? operation?.name?.value;
  const invalid = validate(schema, document, rules);
  if (invalid.length > 0) {
    const errors = invalid.map((error) =>
      typeof error.extensions.code === 'string' ? error : requestError(error.message, 'GRAPHQL_VALIDATION_FAILED', error),
    );
    return { errors, operationName };
  }
  if (operation?.operation !== 'subscription') return { errors: [requestError(elsewhere, 'BAD_USER_INPUT')], operationName };
  return { document, operationName };
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
