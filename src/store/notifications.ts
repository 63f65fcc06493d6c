import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from '../observability/logger.js';

/** Called with the payload of each notification; `''` after a reconnect, when some may have been missed. */
export type NotificationHandler = (payload: string) => void;
/** Stops listening. */
export type Unlisten = () => Promise<void>;

/** Channel names are SQL identifiers on PostgreSQL: keep them to one safe shape on both dialects. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new Error(`invalid notification channel "${channel}"`);
  return channel;
}

/**
 * SQLite: notifications reach the listeners of this process only (every store opened on the
 * same file here shares them); other processes on the file find the work by polling.
 */
const local = new EventEmitter().setMaxListeners(0);

export function localNotify(location: string, channel: string, payload: string): void {
  const name = `${location}\0${checkChannel(channel)}`;
  // Delivered after the caller's write has returned, as PostgreSQL delivers at commit.
  setImmediate(() => local.emit(name, payload));
}

export function localListen(location: string, channel: string, onNotify: NotificationHandler): Unlisten {
  const name = `${location}\0${checkChannel(channel)}`;
  local.on(name, onNotify);
  return async () => {
    local.off(name, onNotify);
  };
}

/** How long a lost LISTEN connection waits before it tries again. */
const RECONNECT_MS = 1_000;

/**
 * PostgreSQL LISTEN on one dedicated connection per process (outside the pool: a pooled
 * connection goes back to the pool and stops listening). A lost connection (database restart)
 * is opened again every second; after each reconnect every handler is called with `''`,
 * because notifications sent meanwhile are gone.
 */
export class PostgresListener {
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client | undefined> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  /** One warning per outage, not one per reconnect attempt. */
  private failing = false;

  constructor(private readonly options: { url: string; logger: Logger; describe: (error: unknown) => string }) {}

  async listen(channel: string, onNotify: NotificationHandler): Promise<Unlisten> {
    checkChannel(channel);
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(onNotify);
    if (first) {
      // Not connected: the reconnect LISTENs to every channel then.
      const client = this.client ?? (await this.connect());
      await client?.query(`LISTEN ${client.escapeIdentifier(channel)}`).catch(() => undefined);
    }
    return async () => {
      set.delete(onNotify);
      if (set.size > 0 || this.handlers.get(channel) !== set) return;
      this.handlers.delete(channel);
      await this.client?.query(`UNLISTEN ${this.client.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<pg.Client | undefined> {
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<pg.Client | undefined> {
    if (this.closed) return undefined;
    const { default: postgres } = await import('pg');
    const client = new postgres.Client({ connectionString: this.options.url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.failing = true;
      this.options.logger.warn({ reason: error ? this.options.describe(error) : 'connection ended' }, 'store: LISTEN connection lost');
      this.reconnectLater();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      client.end().catch(() => undefined);
      if (!this.failing) {
        this.options.logger.warn(
          { reason: this.options.describe(error) },
          'store: LISTEN connection failed; polling only until it is back',
        );
      }
      this.failing = true;
      this.reconnectLater();
      return undefined;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return undefined;
    }
    this.client = client;
    return client;
  }

  private reconnectLater(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect().then((client) => {
        if (!client) return;
        this.failing = false;
        this.options.logger.info('store: LISTEN connection back');
        for (const set of this.handlers.values()) for (const handler of set) handler('');
      });
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
