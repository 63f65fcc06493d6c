/** What every simulated account counts, so tests can check each call carried the right merchant's credentials. */
export interface AccountCalls {
  /** Business calls authenticated as this account (its token, its signature or its key). */
  calls: number;
}

/** The accounts of a vendor whose calls carry a token fetched first (Feyin, APIUSB). */
export interface AccountTokens extends AccountCalls {
  /** Tokens this account fetched. */
  tokensIssued: number;
}

/**
 * A simulator's vendor accounts, one per merchant, each with records of its own, keyed by what
 * names the account at the vendor (Feyin member code, pickup Appid, APIUSB app key, LifePay
 * API key). The first is the default merchant's: the simulator's single-account properties
 * (`printers`, `tokensIssued`, …) read its state, as they did before there were merchants.
 */
export class SimulatedAccounts<A> {
  readonly first: A;
  private readonly byKey = new Map<string, A>();
  /** Key → the merchant whose MERCHANTS_FILE account taught it (sandbox mode); the others were there from the start. */
  private readonly learnedBy = new Map<string, string>();

  constructor(accounts: readonly A[], keyOf: (account: A) => string) {
    if (accounts.length === 0) throw new Error('a simulator needs at least one account');
    for (const account of accounts) {
      const key = keyOf(account);
      if (this.byKey.has(key)) throw new Error(`two simulated accounts are named ${key}`);
      this.byKey.set(key, account);
    }
    this.first = accounts[0];
  }

  /** The account a request names, if the vendor knows it: anything else is the vendor's "unknown account". */
  find(key: unknown): A | undefined {
    return typeof key === 'string' ? this.byKey.get(key) : undefined;
  }

  /** The account a test names; one the simulator does not know is the test's mistake, so it throws. */
  get(key: string): A {
    const account = this.byKey.get(key);
    if (account === undefined) throw new Error(`no simulated account ${key}`);
    return account;
  }

  /** The named account, or the default one when no key is given. */
  getOrFirst(key: string | undefined): A {
    return key === undefined ? this.first : this.get(key);
  }

  all(): A[] {
    return [...this.byKey.values()];
  }

  /**
   * Sandbox mode only: a MERCHANTS_FILE merchant's account, which a real vendor would know from its
   * console. A key the simulator does not know becomes a new account (`make`); one it knows with the
   * same secrets is that account; one a merchant taught earlier takes that merchant's new secrets
   * (`update`, its records stay); any other account keeps its secrets (`conflict`: calls with the
   * file's are refused as the vendor refuses a wrong key).
   */
  learn(
    merchantId: string,
    key: string,
    account: { same(existing: A): boolean; make(): A; seed?(made: A): void; update(existing: A): void },
  ): Learned {
    const existing = this.byKey.get(key);
    if (existing === undefined) {
      const made = account.make();
      this.byKey.set(key, made);
      this.learnedBy.set(key, merchantId);
      account.seed?.(made);
      return 'learned';
    }
    if (account.same(existing)) return 'known';
    if (this.learnedBy.get(key) !== merchantId) return 'conflict';
    account.update(existing);
    return 'learned';
  }

  /** Seeds each account with the seed at its position; accounts past the last seed start empty. */
  seedEach<S>(seeds: readonly S[], seed: (account: A, seed: S) => void): void {
    this.all().forEach((account, index) => {
      if (index < seeds.length) seed(account, seeds[index]);
    });
  }
}

/** What a simulator made of an account it was taught: new (or new secrets), already known, or another's. */
export type Learned = 'learned' | 'known' | 'conflict';

/**
 * The credentials a simulator starts with: `accounts` when given, else `credentials` (or the
 * sandbox's first account) and the sandbox's second one, the two merchants of the sandbox.
 */
export function startingCredentials<C>(options: { credentials?: C; accounts?: readonly C[] }, sandbox: readonly [C, C]): readonly C[] {
  return options.accounts ?? [options.credentials ?? sandbox[0], sandbox[1]];
}
