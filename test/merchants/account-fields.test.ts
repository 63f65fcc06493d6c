import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { COST } from '../../src/graphql/domain.js';
import { pickupSchema } from '../../src/pickup/index.js';
import { buildSubgraph, DOMAINS, fieldAccountsOf, fieldCostsOf } from '../../src/graphql/schema.js';

describe("the fields that need the merchant's account with a vendor", () => {
  it('are exactly the fields priced as a vendor call: a new vendor field without its account check fails here', () => {
    const vendorCalls = Object.entries(fieldCostsOf(DOMAINS))
      .filter(([, cost]) => cost.weight === COST.vendorCall)
      .map(([coordinate]) => coordinate);
    expect(vendorCalls.length).toBeGreaterThan(5);
    expect(Object.keys(fieldAccountsOf(DOMAINS)).sort()).toEqual(vendorCalls.sort());
  });

  it("name each domain's own vendor, and entity lookups that call it", () => {
    expect(DOMAINS.map((domain) => domain.account.vendor)).toEqual(['FEYIN', 'PICKUP', 'APIUSB', 'LIFEPAY']);
    for (const domain of DOMAINS) {
      for (const typeName of domain.account.references) expect(Object.keys(domain.references)).toContain(typeName);
    }
  });

  it('refuse to build when declared for a field without a resolver of its own', async () => {
    const build = buildSubgraph([{ ...pickupSchema, account: { ...pickupSchema.account, fields: ['PickupCode.code'] } }]);
    await expect(build).rejects.toThrow(/An account is declared for PickupCode\.code, which has no resolver or scope/);
  });
});
