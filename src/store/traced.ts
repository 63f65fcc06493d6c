import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { ServiceError } from '../errors.js';
import { endSpan, startSpan, type Tracing } from '../telemetry.js';

/** The statement's first word (`select`, `insert`…): the span's name, never a value. */
const operationOf = (sql: string) => /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'query';

/**
 * A child span per statement, but only under a recording span (a sampled request or outbox
 * attempt, made active with `context.with`): no orphan spans, and nothing for unsampled work.
 * The text is Kysely's compiled SQL, whose values are bound parameters: none reaches the span.
 */
class TracedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly tracing: Tracing,
    private readonly system: string,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { api } = this.tracing;
    const parent = api.context.active();
    if (!api.trace.getSpan(parent)?.isRecording()) return this.inner.executeQuery<R>(query);
    const operation = operationOf(query.sql);
    const attributes = { 'db.system.name': this.system, 'db.operation.name': operation, 'db.query.text': query.sql };
    const traced = startSpan(this.tracing, `db ${operation}`, { parent, kind: 'client', attributes });
    let errorCode: string | undefined = 'DATABASE_ERROR';
    try {
      const result = await this.inner.executeQuery<R>(query);
      errorCode = undefined;
      return result;
    } catch (error) {
      if (error instanceof ServiceError) errorCode = error.code;
      throw error;
    } finally {
      if (traced) endSpan(this.tracing, traced.span, errorCode);
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

const unwrap = (connection: DatabaseConnection) => (connection instanceof TracedConnection ? connection.inner : connection);

class TracedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly tracing: Tracing,
    private readonly system: string,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new TracedConnection(await this.inner.acquireConnection(), this.tracing, this.system);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(connection), settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrap(connection));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(connection));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect` with a span per statement under the active recording span; only built when tracing is on. */
export function tracedDialect(dialect: Dialect, tracing: Tracing | undefined, system: 'sqlite' | 'postgresql'): Dialect {
  if (!tracing) return dialect;
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new TracedDriver(dialect.createDriver(), tracing, system),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
