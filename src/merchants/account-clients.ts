/**
 * One vendor client per merchant account, made the first time the merchant calls (so its token
 * is fetched then, never at start, and 1,000 idle merchants cost nothing). Keyed by the account
 * object: a reload that changes a merchant's account makes a new client, while requests that
 * hold the old one finish with it; a forgotten account's client goes with it.
 */
export class AccountClients<Account extends object, Client> {
  private readonly clients = new WeakMap<Account, Client>();

  constructor(private readonly make: (account: Account, merchantId: string) => Client) {}

  for(account: Account, merchantId: string): Client {
    let client = this.clients.get(account);
    if (client === undefined) this.clients.set(account, (client = this.make(account, merchantId)));
    return client;
  }
}
