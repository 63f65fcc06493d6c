import type { Logger } from '../logger.js';

export interface OutboxWorkerOptions {
  /** For logs, e.g. `lifepay-x-reports`. */
  name: string;
  pollMs: number;
  logger: Logger;
  /** Ids of documents due now, oldest first. */
  due(limit: number): Promise<string[]>;
  /** Claims and attempts one document; does nothing when another worker claimed it first. */
  deliver(id: string): Promise<void>;
  batchSize?: number;
}

/**
 * Polls the outbox and delivers what is due, one document at a time. `stop()` lets the
 * attempt in flight finish, so a graceful shutdown never leaves a document mid-attempt
 * (a crash does: its lease expires and the next poll, here or elsewhere, takes it over).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: OutboxWorkerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
        this.schedule(this.options.pollMs);
      });
    }, ms);
  }

  private async poll(): Promise<void> {
    const { logger, name } = this.options;
    let ids: string[];
    try {
      ids = await this.options.due(this.options.batchSize ?? 20);
    } catch (error) {
      logger.error({ err: error, worker: name }, 'outbox poll failed');
      return;
    }
    for (const id of ids) {
      if (this.stopped) return;
      try {
        await this.options.deliver(id);
      } catch (error) {
        logger.error({ err: error, worker: name, documentId: id }, 'outbox delivery failed');
      }
    }
  }
}
