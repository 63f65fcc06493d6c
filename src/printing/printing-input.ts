import { InputCheck } from '../graphql/validation.js';

/** Feyin documents no format for message and device numbers; both are segments of URL paths. */
function checkFeyinId(check: InputCheck, field: string, value: string): string {
  return check.id(field, value, { max: 64, kind: 'pathSegment' });
}

export function feyinId(field: string, value: string): string {
  return InputCheck.single((check) => checkFeyinId(check, field, value));
}
