import { randomUUID } from 'node:crypto';
import type { EntityChanges } from '../live/entity-changes.js';
import type { Logger } from '../observability/logger.js';
import type { PollOutcome, ServiceMetrics } from '../observability/metrics.js';
import { PollLease, WatchedKeys, type Store } from '../store/index.js';
import type { FeyinClient, FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';
import { readWatched, watchedFeyinKey, type PolledState, type WatchedFeyinKey } from './feyin-poll-reads.js';
import type { FeyinReports } from './feyin-reports.js';
import { isFinalMessage } from './printing-subscriptions.js';

/** The row of `poll_leases` this poller holds. */
export const FEYIN_POLLER = 'FEYIN';

export interface FeyinPollerOptions {
  /** FEYIN_POLL_INTERVAL, in ms: one round of reads at most this often (a slow round delays the next, never overlaps it). */
  intervalMs: number;
  /**
   * How long the lease, and a replica's watched keys, last unrenewed: past it, another replica
   * takes over from a holder that vanished. Longer than a round can take.
   */
  leaseMs: number;
  store: Store;
  /** This process's watchers: what it watches is published for the lease holder. */
  changes: Pick<EntityChanges, 'watchedKeys' | 'onWatchedKeysChange'>;
  /** Where a callback records what it learned, and announces it. */
  reports: Pick<FeyinReports, 'recordPrinted' | 'recordPrinterStatus' | 'announce'>;
  /** The merchant's Feyin client; undefined when the merchant is gone or has no Feyin account. */
  clientFor(merchantId: string): FeyinClient | undefined;
  logger: Logger;
  metrics?: ServiceMetrics;
  now?: () => number;
}

/**
 * FEYIN_POLL_INTERVAL: for deployments Feyin cannot call back, one replica reads every watched
 * Feyin message and printer at the interval and announces each change as a callback would.
 *
 * - Every replica publishes the keys its subscribers watch (`watched_keys`, refreshed each round
 *   and when a key gains its first or loses its last watcher; a vanished replica's rows expire).
 * - The replica holding the lease (`poll_leases`, renewed each round, released on stop, taken
 *   over once expired) reads all of them, merchant by merchant through the merchant's own client.
 * - A change is recorded where a callback records it (a printout in `feyin_printed_messages`, a
 *   printer's status in `feyin_printer_states`): the store is the baseline every holder shares,
 *   and a change a callback already brought is not announced twice. Other message states
 *   (queued, printing, cancelled) are compared with the holder's last read; a new holder starts
 *   from its first read, announcing it only when it is final.
 * - A message in a final state is not read again; a key nobody watches any more drops out.
 * Failures never throw: a failure streak (the store, or one merchant's Feyin) logs once, and once more when it ends.
 */
export class FeyinPoller {
  readonly replica = randomUUID();
  private readonly lease: PollLease;
  private readonly keys: WatchedKeys;
  private readonly now: () => number;
  private readonly failing = new Set<string>();
  /** Message key → its status at the last read while holding the lease (printouts are compared in the store). */
  private readonly lastStates = new Map<string, string>();
  /** Messages read in a final state: not read again while they stay watched. */
  private readonly finished = new Set<string>();
  private holding = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  /** The round's lease claim and read of the watched keys, which a stop waits for before it releases. */
  private claiming: Promise<string[]> | undefined;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private unwatchKeys: (() => void) | undefined;

  constructor(private readonly options: FeyinPollerOptions) {
    this.lease = new PollLease(options.store, FEYIN_POLLER);
    this.keys = new WatchedKeys(options.store, this.replica);
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unwatchKeys = this.options.changes.onWatchedKeysChange(() => void this.publishKeys());
    this.schedule(0);
  }

  /** Stops polling, withdraws this replica's keys and gives the lease up. Reads in flight are not waited for: their answers are dropped. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unwatchKeys?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncing;
    await this.claiming;
    this.options.metrics?.feyinPolledKeys.set(0);
    try {
      await this.keys.withdraw();
      await this.lease.release(this.replica, this.now());
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        'Feyin polling: could not give up the lease at stop; another replica takes over when it expires',
      );
    }
  }

  /** The next round after `delayMs`; a timer that never holds the process open. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = this.now();
      void this.runRound().finally(() => {
        this.schedule(Math.max(0, this.options.intervalMs - (this.now() - started)));
      });
    }, delayMs).unref();
  }

  /** Publishes this replica's watched Feyin keys; calls while one runs are merged into one more. Never rejects. */
  private publishKeys(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        const keys = new Set(this.options.changes.watchedKeys().filter((key) => watchedFeyinKey(key) !== undefined));
        try {
          await this.keys.keep(keys, this.now() + this.options.leaseMs);
          this.recovered('store', 'Feyin polling: the database answers again');
        } catch (error) {
          this.failed('store', { err: error }, 'Feyin polling: the database failed; watched keys are not shared until it answers');
        }
      } while (this.syncAgain && !this.stopped);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** One round: publish, renew or take the lease, and when held read every watched key. Never rejects. */
  private async runRound(): Promise<void> {
    await this.publishKeys();
    if (this.stopped) return;
    const wasHolding = this.holding;
    this.claiming = this.claim();
    const watched = await this.claiming;
    this.claiming = undefined;
    if (this.stopped) return;
    if (this.holding !== wasHolding) {
      this.options.logger.info(
        { replica: this.replica },
        this.holding
          ? 'Feyin polling: this replica holds the poll lease and reads the watched messages and printers'
          : 'Feyin polling: another replica holds the poll lease',
      );
    }
    const keys = watched.map(watchedFeyinKey).filter((key): key is WatchedFeyinKey => key !== undefined);
    const present = new Set(keys.map((key) => key.key));
    for (const key of [...this.lastStates.keys()]) if (!present.has(key) || !this.holding) this.lastStates.delete(key);
    for (const key of [...this.finished]) if (!present.has(key) || !this.holding) this.finished.delete(key);
    const due = keys.filter((key) => !this.finished.has(key.key));
    this.options.metrics?.feyinPolledKeys.set(due.length);
    const byMerchant = new Map<string, WatchedFeyinKey[]>();
    for (const key of due) {
      const merchantKeys = byMerchant.get(key.merchant);
      if (merchantKeys) merchantKeys.push(key);
      else byMerchant.set(key.merchant, [key]);
    }
    await Promise.all([...byMerchant].map(([merchant, merchantKeys]) => this.pollMerchant(merchant, merchantKeys)));
  }

  /** The keys every replica watches, when this replica holds the lease; none otherwise. */
  private async claim(): Promise<string[]> {
    try {
      const now = this.now();
      this.holding = await this.lease.claim(this.replica, now, now + this.options.leaseMs);
      return this.holding ? await this.keys.watched(now) : [];
    } catch (error) {
      this.holding = false;
      this.failed('store', { err: error }, 'Feyin polling: the database failed; this replica does not poll until it answers');
      return [];
    }
  }

  private async pollMerchant(merchant: string, keys: WatchedFeyinKey[]): Promise<void> {
    const client = this.options.clientFor(merchant);
    // A merchant removed from MERCHANTS_FILE, or without Feyin: its subscribers were refused or end on their next read.
    if (!client) return;
    const states = await readWatched(client, keys);
    if (this.stopped) return;
    let failure: Error | undefined;
    for (const key of keys) {
      if (this.stopped) return;
      const state = states.get(key.key);
      if (state instanceof Error) {
        failure ??= state;
        this.count('failed');
        continue;
      }
      try {
        this.count((await this.apply(key, state ?? null)) ? 'changed' : 'unchanged');
      } catch (error) {
        this.count('failed');
        this.failed('store', { err: error }, 'Feyin polling: the database failed; a polled change waits for the next round');
      }
    }
    const streak = `feyin:${merchant}`;
    if (failure) {
      const { code, retryable } = failure as { code?: string; retryable?: boolean };
      this.failed(streak, { merchant, code, retryable }, `Feyin polling: reading watched messages and printers failed: ${failure.message}`);
    } else this.recovered(streak, 'Feyin polling: Feyin answers again', { merchant });
  }

  /** Records and announces the key's state when it changed; true when it did. */
  private async apply(key: WatchedFeyinKey, state: FeyinMessageStatus | FeyinPrinterStatus | null): Promise<boolean> {
    const { reports } = this.options;
    // Feyin does not know it (yet): nothing to tell its watchers.
    if (state === null) return false;
    if (key.entity === 'Printer') {
      const printer = state as FeyinPrinterStatus;
      // Feyin's own `since`, so a read (which prefers the newer of Feyin's answer and the report) sees Feyin's answer unchanged.
      const report = {
        deviceNo: key.id,
        status: printer.status ?? '',
        paperStatus: printer.paperStatus ?? '',
        since: printer.since ?? undefined,
      };
      if (!(await reports.recordPrinterStatus(key.merchant, report))) return false;
      await reports.announce(key.merchant, 'Printer', key.id);
      return true;
    }
    const message = state as FeyinMessageStatus;
    const final = isFinalMessage(message);
    // A printout is compared in the store; any other status with the holder's last read.
    const fingerprint = message.printedAt ? undefined : (message.status ?? '');
    let changed: boolean;
    if (fingerprint === undefined) {
      // Feyin's status call does not name the device: the row says so with an empty device_no.
      changed = await reports.recordPrinted(key.merchant, { msgNo: key.id, deviceNo: '', printedAt: message.printedAt! });
    } else {
      const last = this.lastStates.get(key.key);
      // A new holder's first read sets the baseline; a final state is told all the same.
      changed = last === undefined ? final : last !== fingerprint;
    }
    if (changed) await reports.announce(key.merchant, 'PrintMessage', key.id);
    // After the announcement: one that failed is made again on the next round.
    if (fingerprint !== undefined) this.lastStates.set(key.key, fingerprint);
    if (final) this.finished.add(key.key);
    return changed;
  }

  private count(outcome: PollOutcome): void {
    this.options.metrics?.feyinPollReads.inc({ outcome });
  }

  /** Logs the first failure of a streak only. */
  private failed(streak: string, fields: Record<string, unknown>, message: string): void {
    // A stopping replica's store closes under its last reads: not a failure worth a line.
    if (this.stopped || this.failing.has(streak)) return;
    this.failing.add(streak);
    this.options.logger.warn(fields, message);
  }

  private recovered(streak: string, message: string, fields: Record<string, unknown> = {}): void {
    if (this.failing.delete(streak)) this.options.logger.info(fields, message);
  }
}
