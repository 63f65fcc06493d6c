import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Node's built-in `node:sqlite` as the database Kysely's `SqliteDialect` drives: nothing to
 * compile at install, no native addon. Kysely asks the statement whether it returns rows
 * (`reader`); node:sqlite tells that by the statement's result columns, which also covers
 * `RETURNING` and raw `sql` templates.
 */
export function kyselySqlite(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql) => kyselyStatement(database.prepare(sql)),
  };
}

function kyselyStatement(statement: StatementSync): SqliteStatement {
  const bind = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)),
    run: (parameters) => statement.run(...bind(parameters)),
    iterate: (parameters) => statement.iterate(...bind(parameters)),
  };
}
