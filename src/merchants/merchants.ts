import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { configuredVendors } from './accounts.js';
import { readMerchantsFile, type MerchantsSource } from './merchants-file.js';
import { ServiceError, type Vendor } from '../errors/errors.js';
import type { Logger } from '../observability/logger.js';
import { DEFAULT_MERCHANT, type Merchant } from './merchant.js';

export interface MerchantsOptions {
  /** `default`: the accounts of the variables. */
  defaultMerchant: Merchant;
  /** Merchants that are not in the file (the sandbox's second one). */
  builtIn?: Merchant[];
  /** MERCHANTS_FILE as read at start. */
  source: MerchantsSource;
  logger: Logger;
  /** How long the file must stay quiet after a change before it is read (editors write in steps). */
  settleMs?: number;
  /**
   * Applied to the file's merchants that are served (not shadowed by a built-in one), at start and
   * on every reload before the set is swapped (sandbox mode: their accounts at the simulators, which learn them).
   */
  adapt?: (merchants: Merchant[]) => Merchant[];
}

/** What the server needs of the merchants: the one a caller acts for, and whether one is still configured after a reload. */
export type MerchantLookup = Pick<Merchants, 'forCaller' | 'get' | 'onReload'>;

/** How many merchants, and how many of them have an account with each vendor (for the start-up line). */
export interface MerchantsSummary {
  merchants: number;
  accounts: Record<Vendor, number>;
}

/**
 * The configured merchants, swapped whole on reload (SIGHUP, or MERCHANTS_FILE changing): a
 * request looks its merchant up once and keeps that object, so it finishes with the accounts it
 * started with; a bad file keeps the previous set. The file only adds merchants: `default` and
 * the built-in ones always stay.
 */
export class Merchants {
  private byId: ReadonlyMap<string, Merchant>;
  private watcher: FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  private reading: Promise<boolean> | undefined;
  private readAgain = false;
  private lastText: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: MerchantsOptions) {
    this.byId = this.index(options.source.list);
  }

  get(id: string): Merchant | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The merchant a request acts for; FORBIDDEN (before any vendor call) when its token names one not configured. */
  forCaller(caller: { merchant?: string } | null): Merchant {
    const id = caller?.merchant ?? DEFAULT_MERCHANT;
    const merchant = this.byId.get(id);
    // The id comes from a verified token, but is not echoed: a refusal says only that it is not served here.
    if (!merchant) throw new ServiceError('FORBIDDEN', "The token's merchant is not configured on this service");
    return merchant;
  }

  /** Calls `listener` after each reload that swapped the set (open subscriptions of a removed merchant end then). */
  onReload(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  summary(): MerchantsSummary {
    const accounts: Record<Vendor, number> = { FEYIN: 0, PICKUP: 0, APIUSB: 0, LIFEPAY: 0 };
    for (const merchant of this.byId.values()) {
      for (const [vendor, configured] of Object.entries(configuredVendors(merchant))) if (configured) accounts[vendor as Vendor] += 1;
    }
    return { merchants: this.byId.size, accounts };
  }

  /**
   * Reads MERCHANTS_FILE again and swaps the set in one assignment; `false` (one warning line
   * naming every problem, never a value) when the file is bad: the previous set stays.
   */
  reload(): Promise<boolean> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = Promise.resolve()
      .then(() => this.readOnce())
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          void this.reload();
        }
      });
    return this.reading;
  }

  /** Reloads when MERCHANTS_FILE changes: its folder is watched, so an editor's rename or a mounted secret's swap counts. */
  watchFile(): void {
    const { file } = this.options.source;
    if (!file || this.watcher) return;
    const name = basename(file);
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
        // Kubernetes swaps a `..data` link beside the file: any change in the folder may be ours.
        if (changed && changed !== name && !changed.startsWith('..')) return;
        clearTimeout(this.settle);
        this.settle = setTimeout(() => void this.reload(), this.options.settleMs ?? 100);
      });
      this.watcher.on('error', (error) =>
        this.options.logger.warn({ err: error }, 'merchants: watching MERCHANTS_FILE stopped; reload with SIGHUP'),
      );
    } catch (error) {
      this.options.logger.warn({ err: error }, 'merchants: MERCHANTS_FILE cannot be watched; reload with SIGHUP');
    }
  }

  close(): void {
    clearTimeout(this.settle);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async readOnce(): Promise<boolean> {
    const { source, logger } = this.options;
    if (!source.file) return true;
    const started = performance.now();
    const { merchants, problems, text } = readMerchantsFile({ ...source, file: source.file });
    // A touch, or a watcher event for a neighbour: same text, nothing to swap.
    if (problems.length === 0 && text === this.lastText) return true;
    if (problems.length > 0) {
      logger.warn(
        { problems },
        `merchants: MERCHANTS_FILE not reloaded, the previous ${this.byId.size} merchants stay: ${problems.join('; ')}`,
      );
      return false;
    }
    const before = this.byId;
    this.byId = this.index(merchants);
    this.lastText = text;
    const removed = [...before.keys()].filter((id) => !this.byId.has(id));
    logger.info(
      { merchants: this.byId.size, removed: removed.length, durationMs: Math.round(performance.now() - started) },
      `merchants: MERCHANTS_FILE reloaded (${this.byId.size} merchants)`,
    );
    for (const listener of this.listeners) listener();
    return true;
  }

  private index(fromFile: Merchant[]): ReadonlyMap<string, Merchant> {
    const byId = new Map<string, Merchant>();
    for (const merchant of [this.options.defaultMerchant, ...(this.options.builtIn ?? [])]) byId.set(merchant.id, merchant);
    const shadowed = fromFile.filter((merchant) => byId.has(merchant.id)).map((merchant) => merchant.id);
    // `default` is refused by the file's own check; only the sandbox's built-in merchants can collide.
    if (shadowed.length > 0) {
      this.options.logger.warn(
        { merchants: shadowed },
        `merchants: ${shadowed.join(', ')} in MERCHANTS_FILE ignored: the sandbox's own merchant of that id is served`,
      );
    }
    const served = fromFile.filter((merchant) => !byId.has(merchant.id));
    for (const merchant of this.options.adapt?.(served) ?? served) byId.set(merchant.id, merchant);
    return byId;
  }
}
