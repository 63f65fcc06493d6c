import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { BaseContext } from '../observability/request-scope.js';

/** Where a subscription goes instead: the WebSocket on the same URL, or the router's callback mode. */
export const SUBSCRIPTION_OVER_HTTP =
  'Subscriptions are not served over plain HTTP: open a WebSocket to this same URL (ws://<host>/graphql, wss:// behind TLS) ' +
  'with subprotocol graphql-transport-ws, or subscribe through the router in its callback mode (subscription.mode.callback)';

/**
 * A subscription sent as a plain POST (no `extensions.subscription` asking for callbacks) is the
 * caller's mistake, not ours: BAD_USER_INPUT (400) before anything runs, instead of executing it
 * once as a query would, which fails inside. Thrown from didResolveOperation, so the operation
 * is still logged and counted (`graphql_operations_total{transport="http"}`) with that outcome.
 */
export function subscriptionOverHttpPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(SUBSCRIPTION_OVER_HTTP, {
            extensions: { code: 'BAD_USER_INPUT', retryable: false, http: { status: 400 } },
          });
        },
      };
    },
  };
}
