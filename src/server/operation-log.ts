import type { ApolloServerPlugin } from '@apollo/server';
import type { BaseContext } from '../request-scope.js';
import type { ServiceMetrics } from '../metrics.js';

/** One log line and one metric sample per GraphQL operation: name, duration, outcome. */
export function operationLogPlugin(metrics?: ServiceMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const firstError = errors?.[0] ?? body?.errors?.[0];
          const code = firstError?.extensions?.code;
          const outcome = firstError ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'OK';
          const seconds = (performance.now() - started) / 1000;
          const operation = metrics?.operationLabel(operationName) ?? operationName ?? 'anonymous';
          metrics?.graphqlOperations.inc({ operation, outcome });
          metrics?.graphqlLatency.observe({ operation }, seconds);
          contextValue.log.info(
            { operationName: operationName ?? null, durationMs: Math.round(seconds * 1000), outcome },
            'graphql operation',
          );
        },
      };
    },
  };
}
