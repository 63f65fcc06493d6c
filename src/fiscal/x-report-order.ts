import { randomUUID } from 'node:crypto';
import { InputCheck } from '../graphql/validation.js';
import type { PrintXReportInput } from './print-x-report-input.js';

/** A validated `printXReport` input with the login and ext_id settled. */
export interface XReportOrder {
  extId: string;
  login: string;
  test: boolean;
  targetSerial?: string;
  callbackData?: unknown;
}

export const EXT_ID_MAX = 50;
const SERIAL_MAX = 64;
const CALLBACK_DATA_MAX_BYTES = 8 * 1024;
/** Deeper JSON is no callback payload, and JSON.stringify would overflow the stack on it. */
const CALLBACK_DATA_MAX_DEPTH = 32;
const LOGIN = /^7\d{10}$/;

function checkExtId(check: InputCheck, value: string): string {
  return check.id('extId', value, { max: EXT_ID_MAX });
}

function checkSerial(check: InputCheck, field: string, value: string): string {
  return check.id(field, value, { max: SERIAL_MAX });
}

/** One id, or BAD_USER_INPUT: for lookups (`fiscalDocument`, references) before the store is asked. */
export function validExtId(value: string): string {
  return InputCheck.single((check) => checkExtId(check, value));
}

export function validSerial(value: string): string {
  return InputCheck.single((check) => checkSerial(check, 'serial', value));
}

/** True when `value` nests deeper than `max`; iterative, so no input can overflow the stack. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Checks the input before anything is recorded or sent; fills in the default login and a generated ext_id. */
export function xReportOrder(input: PrintXReportInput, defaultLogin: string | undefined): XReportOrder {
  const check = new InputCheck();
  const extId = input.extId === null || input.extId === undefined ? randomUUID() : checkExtId(check, input.extId);

  let login = defaultLogin;
  if (input.login !== null && input.login !== undefined)
    login = check.id('login', input.login, { max: 11, pattern: LOGIN, describe: '11 digits starting with 7' });
  // Only reached with an account (the guard checks it first): the account just has no login of its own.
  else if (!login)
    check.add(
      'login',
      "is required: the merchant's LifePay account has no default login (LIFEPAY_LOGIN, or lifepay.login in MERCHANTS_FILE)",
    );

  const targetSerial =
    input.targetSerial === null || input.targetSerial === undefined ? undefined : checkSerial(check, 'targetSerial', input.targetSerial);

  const callbackData = input.callbackData ?? undefined;
  if (callbackData !== undefined && nestsDeeperThan(callbackData, CALLBACK_DATA_MAX_DEPTH)) {
    check.add('callbackData', `must nest at most ${CALLBACK_DATA_MAX_DEPTH} levels deep`);
  } else if (callbackData !== undefined && Buffer.byteLength(JSON.stringify(callbackData)) > CALLBACK_DATA_MAX_BYTES) {
    check.add('callbackData', `must be at most ${CALLBACK_DATA_MAX_BYTES} bytes as JSON`);
  }
  check.done();
  return { extId, login: login!, test: input.test === true, targetSerial, callbackData };
}
