import { InputCheck } from '../validation.js';

export function checkMachineNo(check: InputCheck, value: string): string {
  return check.id('machineNo', value, { max: 8, pattern: /^\d{8}$/, describe: 'exactly 8 digits' });
}

export function checkPickupCodeId(check: InputCheck, value: string): string {
  return check.id('pickupCodeId', value, { max: 32, pattern: /^\d+$/, describe: 'digits only' });
}

export function checkProductId(check: InputCheck, value: string): string {
  return check.id('productId', value, { max: 32, pattern: /^[A-Za-z0-9_-]+$/, describe: 'letters, digits, "_" or "-"' });
}

export function machineNo(value: string): string {
  return InputCheck.single((check) => checkMachineNo(check, value));
}
