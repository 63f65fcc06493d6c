import { randomUUID } from 'node:crypto';
import { InputCheck } from '../validation.js';
import type { PrintXReportInput } from './print-x-report-input.js';
import type { XReportOrder } from './x-reports.js';

export const EXT_ID_MAX = 50;
export const CALLBACK_DATA_MAX_BYTES = 8 * 1024;
const LOGIN = /^7\d{10}$/;

/** Checks the input before anything is recorded or sent; fills in the default login and a generated ext_id. */
export function xReportOrder(input: PrintXReportInput, defaultLogin: string | undefined): XReportOrder {
  const check = new InputCheck();
  const extId = input.extId === null || input.extId === undefined ? randomUUID() : check.id('extId', input.extId, { max: EXT_ID_MAX });

  let login = defaultLogin;
  if (input.login !== null && input.login !== undefined) login = check.id('login', input.login, { max: 11, pattern: LOGIN, describe: '11 digits starting with 7' });
  else if (!login) check.add('login', 'is required: this service has no default LIFEPAY_LOGIN');

  const targetSerial = input.targetSerial === null || input.targetSerial === undefined ? undefined : check.id('targetSerial', input.targetSerial, { max: 64 });

  const callbackData = input.callbackData ?? undefined;
  if (callbackData !== undefined && Buffer.byteLength(JSON.stringify(callbackData)) > CALLBACK_DATA_MAX_BYTES) {
    check.add('callbackData', `must be at most ${CALLBACK_DATA_MAX_BYTES} bytes as JSON`);
  }
  check.done();
  return { extId, login: login!, test: input.test === true, targetSerial, callbackData };
}
