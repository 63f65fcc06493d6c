import type { Dialect } from 'kysely';
import { ServiceError } from '../errors/errors.js';
import { endSpan, startSpan, type Tracing } from '../observability/tracing.js';
import { withDriverHooks } from './driver-hooks.js';

/** The statement's first word (`select`, `insert`…): the span's name, never a value. */
const operationOf = (sql: string) => /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'query';

/**
 * `dialect` with a child span per statement, but only under a recording span (a sampled request
 * or outbox attempt, made active with `context.with`): no orphan spans, and nothing for unsampled
 * work. The text is Kysely's compiled SQL, whose values are bound parameters: none reaches the
 * span. Only built when tracing is on.
 */
export function tracedDialect(dialect: Dialect, tracing: Tracing | undefined, system: 'sqlite' | 'postgresql'): Dialect {
  if (!tracing) return dialect;
  const { api } = tracing;
  return withDriverHooks(dialect, {
    async query(run, query) {
      const parent = api.context.active();
      if (!api.trace.getSpan(parent)?.isRecording()) return run();
      const operation = operationOf(query.sql);
      const attributes = { 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': query.sql };
      const traced = startSpan(tracing, `db ${operation}`, { parent, kind: 'client', attributes });
      let errorCode: string | undefined = 'DATABASE_ERROR';
      try {
        const result = await run();
        errorCode = undefined;
        return result;
      } catch (error) {
        if (error instanceof ServiceError) errorCode = error.code;
        throw error;
      } finally {
        if (traced) endSpan(tracing, traced.span, errorCode);
      }
    },
  });
}
