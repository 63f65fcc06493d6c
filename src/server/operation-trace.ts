import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context, Span } from '@opentelemetry/api';
import type { BaseContext } from '../observability/request-scope.js';
import type { Tracing } from '../observability/tracing.js';
import { operationOutcome, shownOperationName } from './operation-log.js';

/** One GraphQL request's span; `context` only when the sampler records it (then it parents vendor calls and queries). */
export interface OperationSpan {
  span: Span;
  traceId: string;
  context?: Context;
}

/**
 * `graphql.operation`, continuing the caller's trace: the router's W3C `traceparent` (or what
 * OTEL_PROPAGATORS names) is its parent, so the sampling decision made at the edge holds here.
 */
export function startOperationSpan(tracing: Tracing, headers: IncomingHttpHeaders): OperationSpan {
  const { api, tracer } = tracing;
  const parent = api.propagation.extract(api.ROOT_CONTEXT, headers);
  const span = tracer.startSpan('graphql.operation', { kind: api.SpanKind.SERVER }, parent);
  const traceId = span.spanContext().traceId;
  return span.isRecording() ? { span, traceId, context: api.trace.setSpan(parent, span) } : { span, traceId };
}

/**
 * Names the operation on its span (type and name: never the query text or the variables) and
 * marks a failed one ERROR with the first error's code. The server ends the span.
 */
export function operationTracePlugin(tracing: Tracing): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue }) {
      const span = contextValue.traceContext ? tracing.api.trace.getSpan(contextValue.traceContext) : undefined;
      if (!span) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operation) span.setAttribute('graphql.operation.type', operation.operation);
          const name = shownOperationName(operationName);
          if (name) span.setAttribute('graphql.operation.name', name);
        },
        async willSendResponse({ errors, response }) {
          const outcome = operationOutcome(errors, response);
          span.setAttribute('outcome', outcome);
          if (outcome !== 'OK') span.setStatus({ code: tracing.api.SpanStatusCode.ERROR, message: outcome });
        },
      };
    },
  };
}
