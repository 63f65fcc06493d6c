import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { BaseContext } from '../observability/request-scope.js';
import { CachePolicies, type CachePolicyOptions } from './cache-policy.js';

export interface CacheControlOptions extends CachePolicyOptions {
  schema: GraphQLSchema;
  /**
   * The answer depends on who asks: with caller auth on, another caller may lack the scope, so
   * only that caller's own cache may keep it.
   */
  private: boolean;
}

/**
 * `Cache-Control` for the router's caches: `max-age=N, public|private` for a query the hints
 * allow, `no-store` for mutations, errors and anything unhinted. Replaces Apollo's per-field
 * plugin (which must be disabled beside it): nothing runs per field, one listener for every request.
 */
export function cacheControlPlugin(options: CacheControlOptions): ApolloServerPlugin<BaseContext> {
  const policies = new CachePolicies(options.schema, options);
  const scope = options.private ? 'private' : 'public';
  const listener: GraphQLRequestListener<BaseContext> = {
    async willSendResponse({ response, document, operation }) {
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const maxAge = result && !result.errors && document && operation ? policies.maxAge(document, operation, result.data) : 0;
      response.http.headers.set('cache-control', maxAge > 0 ? `max-age=${maxAge}, ${scope}` : 'no-store');
    },
  };
  return { requestDidStart: async () => listener };
}
