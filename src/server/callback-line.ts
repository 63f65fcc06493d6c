/**
 * One callback subscription's messages to the router, in order: a `next`, a heartbeat `check`
 * and the `complete` each wait for the one before (with its retries), so none overtakes an
 * earlier one and `complete` comes last. The line never holds more than one message per kind:
 * states are pulled one at a time, a heartbeat is skipped while one waits.
 */

export type CallbackAction = 'check' | 'next' | 'complete';

/** How one HTTP attempt went: the router's status, or why there was none (refused, reset, deadline). */
export type CallbackAttempt = { status: number } | { error: string };

/**
 * How a message went. `delivered`: a 2xx. `gone`: 404, the router forgot the subscription.
 * `refused`: another status below 500 (a 3xx or 4xx), the router refuses it. `undelivered`: every
 * try failed (5xx, network, deadline). `cut`: stop's deadline came first. `dropped`: not sent,
 * the line was closed or finishing.
 */
export type Delivery = 'delivered' | 'gone' | 'refused' | 'undelivered' | 'cut' | 'dropped';

export interface CallbackPacing {
  /** The waits between the tries of one message: tries in all = length + 1. */
  retryDelaysMs: readonly number[];
  /** Heartbeats not more often than this, whatever the router asks. */
  minHeartbeatMs: number;
}

/** 100, 200, 400, 800 ms (each doubling, at most 1 s): 5 tries in all. */
export function backoff(tries: number, firstMs = 100, maxMs = 1_000): number[] {
  return Array.from({ length: tries - 1 }, (_, i) => Math.min(firstMs * 2 ** i, maxMs));
}

/** Production pacing; tests may shorten it (no environment variable does). */
export const CALLBACK_PACING: CallbackPacing = { retryDelaysMs: backoff(5), minHeartbeatMs: 1_000 };

/** One HTTP attempt: its deadline and a signal that cuts it short (stop, close). */
export type Attempter = (
  action: CallbackAction,
  extra: Record<string, unknown>,
  timeoutMs: number,
  signal: AbortSignal,
  tryNo: number,
) => Promise<CallbackAttempt>;

export class CallbackLine {
  private tail: Promise<unknown> = Promise.resolve();
  /** After a 404, a refusal or a `next` given up: nothing more is sent. */
  private closed = false;
  /** Aborts whatever is in flight or waiting: on close. */
  private readonly closing = new AbortController();
  /** The subscription is ending: a heartbeat queued, in flight or waiting to retry is dropped; `complete` still goes. */
  private readonly finishing = new AbortController();
  /** Aborts what goes before `complete` when stop's share for it is spent. */
  private readonly cutting = new AbortController();
  private cutTimer: NodeJS.Timeout | undefined;
  /** Set by stop: everything before `complete` must be done by `untilOthers`, `complete` by `untilComplete`. */
  private untilOthers = Infinity;
  private untilComplete = Infinity;

  constructor(
    private readonly attempt: Attempter,
    private readonly pacing: CallbackPacing,
    private readonly timeoutMs: number,
  ) {}

  /** Queues a message behind the ones before it; resolves when it went (or did not). */
  send(action: CallbackAction, extra: Record<string, unknown> = {}): Promise<Delivery> {
    const delivered = this.tail.then(() => this.deliver(action, extra));
    this.tail = delivered.catch(() => undefined);
    return delivered;
  }

  /** The subscription ends: no more heartbeats, only what is in flight and `complete`. */
  finish(): void {
    this.finishing.abort();
  }

  /**
   * Stop's deadline: the message in flight (a `next` and its retries) gets the first half of
   * what is left, `complete` the rest, so `complete` still goes and still comes last.
   */
  hurry(deadline: number): void {
    if (this.closed || deadline >= this.untilComplete) return;
    const now = Date.now();
    this.untilComplete = deadline;
    this.untilOthers = now + Math.max(0, deadline - now) / 2;
    clearTimeout(this.cutTimer);
    this.cutTimer = setTimeout(() => this.cutting.abort(), this.untilOthers - now);
    this.cutTimer.unref();
  }

  /** Nothing more is sent; what is in flight or waiting is abandoned, no timer is left. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.cutTimer);
    this.closing.abort();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async deliver(action: CallbackAction, extra: Record<string, unknown>): Promise<Delivery> {
    const { retryDelaysMs } = this.pacing;
    for (let tryNo = 1; ; tryNo++) {
      if (this.closed || (action === 'check' && this.finishing.signal.aborted)) return 'dropped';
      const until = action === 'complete' ? this.untilComplete : this.untilOthers;
      const left = until - Date.now();
      if (left <= 0) return 'cut';
      const signal =
        action === 'complete'
          ? this.closing.signal
          : AbortSignal.any([this.closing.signal, this.cutting.signal, ...(action === 'check' ? [this.finishing.signal] : [])]);
      const answer = await this.attempt(action, extra, Math.min(this.timeoutMs, left), signal, tryNo);
      if (this.closed) return 'dropped';
      if ('status' in answer) {
        if (answer.status >= 200 && answer.status < 300) return 'delivered';
        if (answer.status < 500) {
          // The router ended it (404) or refuses it: nothing more goes to this URL.
          this.close();
          return answer.status === 404 ? 'gone' : 'refused';
        }
      }
      // A 5xx, a lost connection or the deadline: again after a wait, while tries and time remain.
      if (action === 'check' && this.finishing.signal.aborted) return 'dropped';
      if (action !== 'complete' && this.cutting.signal.aborted) return 'cut';
      if (tryNo > retryDelaysMs.length) {
        // A state the router never took: it is considered lost, no `complete` follows.
        if (action === 'next') this.close();
        return 'undelivered';
      }
      const delay = retryDelaysMs[tryNo - 1]!;
      if (Date.now() + delay >= until) return 'cut';
      await pause(delay, signal);
    }
  }
}

/** A wait that ends early when `signal` aborts, leaving no timer behind. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
