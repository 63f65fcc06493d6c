import type {
  AbortableOperationOptions,
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** What a wrapper adds around a dialect's driver; each hook calls `run` (or not) and defaults to calling through. */
export interface DriverHooks {
  /** Around every statement. */
  query?<R>(run: () => Promise<QueryResult<R>>, query: CompiledQuery): Promise<QueryResult<R>>;
  /** Around acquiring a connection and each transaction step (begin, commit, rollback). */
  step?<T>(run: () => Promise<T>): Promise<T>;
}

class HookedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly hooks: DriverHooks,
  ) {}

  executeQuery<R>(query: CompiledQuery, options?: AbortableOperationOptions): Promise<QueryResult<R>> {
    const run = () => this.inner.executeQuery<R>(query, options);
    return this.hooks.query ? this.hooks.query(run, query) : run();
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number, options?: AbortableOperationOptions): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize, options);
  }
}

/** Each driver hands its own wrapping back to the driver it wraps: one layer peeled per driver. */
const unwrap = (connection: DatabaseConnection) => (connection instanceof HookedConnection ? connection.inner : connection);

class HookedDriver implements Driver {
  private readonly step: <T>(run: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly inner: Driver,
    private readonly hooks: DriverHooks,
  ) {
    this.step = hooks.step ? (run) => hooks.step!(run) : (run) => run();
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(options?: AbortableOperationOptions): Promise<DatabaseConnection> {
    return new HookedConnection(await this.step(() => this.inner.acquireConnection(options)), this.hooks);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.step(() => this.inner.beginTransaction(unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.step(() => this.inner.commitTransaction(unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.step(() => this.inner.rollbackTransaction(unwrap(connection)));
  }

  releaseConnection(connection: DatabaseConnection, options?: AbortableOperationOptions): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection), options);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect` with `hooks` around its driver's work; adapter, introspector and compiler stay the dialect's own. */
export function withDriverHooks(dialect: Dialect, hooks: DriverHooks): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new HookedDriver(dialect.createDriver(), hooks),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
