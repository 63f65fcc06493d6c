import { InputCheck } from '../graphql/validation.js';

export function checkMachineNo(check: InputCheck, value: string): string {
  return check.id('machineNo', value, { max: 8, pattern: /^\d{8}$/, describe: 'exactly 8 digits' });
}

export function checkPickupCodeId(check: InputCheck, value: string): string {
  return check.id('pickupCodeId', value, { max: 32, pattern: /^\d+$/, describe: 'digits only' });
}

/** The product id's format is undocumented; it is a segment of the listing's URL path. */
export function checkProductId(check: InputCheck, value: string): string {
  return check.id('productId', value, { max: 32, kind: 'pathSegment' });
}

export function machineNo(value: string): string {
  return InputCheck.single((check) => checkMachineNo(check, value));
}
