import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { scopeLogFields, type BaseContext } from '../observability/request-scope.js';
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

/** One log line and one metric sample per GraphQL operation: name, duration, outcome. */
export function operationLogPlugin(logger: Logger, metrics?: ServiceMetrics): ApolloServerPlugin<BaseContext> {
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
          logger.info(
            {
              ...scopeLogFields(contextValue),
              operationName: shownOperationName(operationName),
              durationMs: Math.round(seconds * 1000),
              outcome,
              transport: 'http',
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
