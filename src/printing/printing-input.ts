import { InputCheck } from '../validation.js';

/** Feyin ids go into URL paths: keep them to characters that need no escaping. */
const FEYIN_ID = /^[A-Za-z0-9_.-]+$/;

function checkFeyinId(check: InputCheck, field: string, value: string): string {
  return check.id(field, value, { max: 64, pattern: FEYIN_ID, describe: 'letters, digits, "_", "-" or "."' });
}

export function feyinId(field: string, value: string): string {
  return InputCheck.single((check) => checkFeyinId(check, field, value));
}
