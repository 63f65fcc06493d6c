import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { BaseContext } from '../observability/request-scope.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';

type Sent = GraphQLRequestContextWillSendResponse<BaseContext>;

/**
 * The caller chooses an operation's name (up to the 100 kB body): log lines and spans keep the
 * first 100 characters, what a log or trace view can show.
 */
export function shownOperationName(name: string | undefined | null): string | null {
  return name ? name.slice(0, 100) : null;
}

/** `OK`, or the code of the operation's first error. */
export function operationOutcome(errors: Sent['errors'], response: Sent['response']): string {
  const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
  const firstError = errors?.[0] ?? body?.errors?.[0];
  const code = firstError?.extensions?.code;
  return firstError ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'OK';
}

/** The operation line's fields, in one object (the request's ids as `scopeLogFields` names them). */
function operationLine(scope: BaseContext, operationName: string | undefined | null, seconds: number, outcome: string) {
  const line: Record<string, string | number | null> = {};
  if (scope.requestId) line.requestId = scope.requestId;
  if (scope.traceId) line.trace_id = scope.traceId;
  if (scope.merchantId) line.merchant = scope.merchantId;
  line.operationName = shownOperationName(operationName);
  line.durationMs = Math.round(seconds * 1000);
  line.outcome = outcome;
  line.transport = 'http';
  return line;
}

/** One log line and one metric sample per GraphQL operation: name, duration, outcome. */
export function operationLogPlugin(logger: Logger, metrics?: ServiceMetrics): ApolloServerPlugin<BaseContext> {
  // This line's fields are the ones below, strings and numbers, none of them a redaction path: the
  // logger's redaction (REDACT_PATHS, about half the line's CPU) cannot change it, so it is left out.
  const lines = logger.child({}, { redact: [] });
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const outcome = operationOutcome(errors, response);
          const seconds = (performance.now() - started) / 1000;
          const operation = metrics?.operationLabel(operationName) ?? operationName ?? 'anonymous';
          metrics?.graphqlOperations.inc({ operation, outcome, transport: 'http' });
          metrics?.graphqlLatency.observe({ operation, transport: 'http' }, seconds);
          // The request's ids as fields: no child logger is made for this one line.
          if (lines.isLevelEnabled('info')) lines.info(operationLine(contextValue, operationName, seconds, outcome), 'graphql operation');
        },
      };
    },
  };
}
