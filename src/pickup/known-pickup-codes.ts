import { BoundedMap } from '../bounded-map.js';
import type { VendorPickupCode } from './pickup-client.js';

export interface KnownPickupCode extends Omit<VendorPickupCode, 'status'> {
  machineNo: string;
  status: VendorPickupCode['status'] | 'CANCELLED';
}

/**
 * Pickup codes this process has listed or cancelled. The vendor can only list codes by
 * machine and product, so a code referenced by id alone (federation) is answered from here,
 * or `null` when this process has not seen it. Bounded, in memory.
 */
export class KnownPickupCodes {
  private readonly byId: BoundedMap<string, KnownPickupCode>;

  constructor(maxEntries = 100_000) {
    this.byId = new BoundedMap(maxEntries);
  }

  remember(code: KnownPickupCode): KnownPickupCode {
    this.byId.set(code.id, code);
    return code;
  }

  find(id: string): KnownPickupCode | undefined {
    return this.byId.get(id);
  }

  markCancelled(machineNo: string, id?: string): void {
    for (const code of this.byId.values()) {
      if (code.machineNo === machineNo && (id === undefined ? code.status === 'UNUSED' : code.id === id)) code.status = 'CANCELLED';
    }
  }
}
