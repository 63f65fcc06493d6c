import type { Logger } from '../observability/logger.js';

export interface OutboxWorkerOptions<T extends { id: string }> {
  /** For logs, e.g. `lifepay-x-reports`. */
  name: string;
  /** The longest the worker sleeps between two looks at the outbox. */
  pollMs: number;
  logger: Logger;
  /** Deliveries in flight at once (OUTBOX_CONCURRENCY); 1 by default. */
  concurrency?: number;
  /** Claims up to `limit` due documents for this worker: no other worker gets the same attempt. */
  claimDue(limit: number): Promise<T[]>;
  /** Makes the claimed attempt and records its outcome. */
  deliver(document: T): Promise<void>;
  /** When the next open document falls due, so the worker sleeps until then rather than a whole poll. */
  nextDueAt?(): Promise<Date | null>;
  /** Tells the worker when a document falls due (`null`: look now); resolves to the way to stop listening. */
  listenForDue?(onDue: (at: Date | null) => void): Promise<() => Promise<void>>;
}

/** The shortest sleep when something is due but was not ours to take (another worker holds it right now). */
const BUSY_FLOOR_MS = 25;

/**
 * Delivers what is due, up to `concurrency` documents at a time. It wakes when the earliest
 * open document falls due (bounded by `pollMs`), when it is told a document was scheduled
 * (`listenForDue`), and, while there is a backlog, as soon as a delivery frees a slot.
 * `stop()` lets the attempts in flight finish, so a graceful shutdown never leaves a document
 * mid-attempt (a crash does: its lease expires and a worker, here or elsewhere, takes it over).
 */
export class OutboxWorker<T extends { id: string }> {
  private timer: NodeJS.Timeout | undefined;
  /** When `timer` fires (epoch ms). */
  private timerAt = Infinity;
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  /** The last poll filled every free slot: more may be due, so a finished delivery polls again. */
  private backlog = false;
  private readonly inFlight = new Set<Promise<void>>();
  private listening: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private stopped = true;

  constructor(private readonly options: OutboxWorkerOptions<T>) {}

  private get concurrency(): number {
    return Math.max(1, this.options.concurrency ?? 1);
  }

  /** Deliveries in flight now. */
  get delivering(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { listenForDue } = this.options;
    if (listenForDue) {
      this.listening = listenForDue((at) => this.wakeAt(at?.getTime() ?? 0)).then(
        async (unlisten) => {
          if (this.stopped) await unlisten();
          else this.unlisten = unlisten;
        },
        (error: unknown) => this.options.logger.warn({ err: error, worker: this.options.name }, 'outbox: not listening; polling only'),
      );
    }
    this.wakeAt(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timerAt = Infinity;
    await this.listening;
    await this.unlisten?.();
    this.unlisten = undefined;
    await this.polling;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Polls at `at` (epoch ms) unless a poll is already set for earlier. */
  private wakeAt(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timerAt = Infinity;
        this.runPoll();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private runPoll(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.poll().then(
      (sleepMs) => this.afterPoll(sleepMs),
      () => this.afterPoll(this.options.pollMs),
    );
  }

  private afterPoll(sleepMs: number | undefined): void {
    this.polling = undefined;
    if (this.pollAgain) {
      this.pollAgain = false;
      this.runPoll();
    } else if (sleepMs !== undefined) {
      this.wakeAt(Date.now() + sleepMs);
    }
  }

  /** Claims and starts what is due; returns how long to sleep, or undefined when a finishing delivery will poll. */
  private async poll(): Promise<number | undefined> {
    const { logger, name, pollMs } = this.options;
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) {
      this.backlog = true;
      return undefined;
    }
    let claimed: T[];
    try {
      claimed = await this.options.claimDue(free);
    } catch (error) {
      logger.error({ err: error, worker: name }, 'outbox poll failed');
      this.backlog = false;
      return pollMs;
    }
    for (const document of claimed) this.deliver(document);
    this.backlog = claimed.length === free;
    if (this.backlog) return undefined;
    let next: Date | null = null;
    try {
      next = (await this.options.nextDueAt?.()) ?? null;
    } catch (error) {
      logger.error({ err: error, worker: name }, 'outbox poll failed');
    }
    if (!next) return pollMs;
    const untilDue = next.getTime() - Date.now();
    // Due already but not claimed by us: another worker holds it this instant; look again shortly.
    return Math.min(pollMs, untilDue > 0 ? untilDue : BUSY_FLOOR_MS);
  }

  private deliver(document: T): void {
    const { logger, name } = this.options;
    const delivery: Promise<void> = this.options
      .deliver(document)
      .catch((error: unknown) => logger.error({ err: error, worker: name, documentId: document.id }, 'outbox delivery failed'))
      .finally(() => {
        this.inFlight.delete(delivery);
        if (this.backlog) this.runPoll();
      });
    this.inFlight.add(delivery);
  }
}
