import { InputCheck } from '../graphql/validation.js';

const ORDER_ID_MAX = 64;
const CANCEL_REASON_MAX = 200;

/** APIUSB documents no format for order and task ids; they travel as form fields, so any token. */
function checkOrderId(check: InputCheck, field: string, value: string): string {
  return check.id(field, value, { max: ORDER_ID_MAX, kind: 'token' });
}

export function validOrderId(value: string): string {
  return InputCheck.single((check) => checkOrderId(check, 'orderId', value));
}

/** A cancellation as APIUSB takes it, every field checked before the vendor is called. */
export function cancellation(input: { orderId: string; taskId: string; reason: string }): {
  orderId: string;
  taskId: string;
  reason: string;
} {
  const check = new InputCheck();
  const order = {
    orderId: checkOrderId(check, 'orderId', input.orderId),
    taskId: checkOrderId(check, 'taskId', input.taskId),
    reason: check.id('reason', input.reason, { max: CANCEL_REASON_MAX }),
  };
  check.done();
  return order;
}
