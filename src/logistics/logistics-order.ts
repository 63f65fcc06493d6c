import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { DateTimeScalar } from '../scalars.js';
import { InputCheck, representationKey } from '../validation.js';
import type { CancelledOrder } from './cancelled-orders.js';

export enum LogisticsOrderStatus {
  CANCELLED = 'CANCELLED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(LogisticsOrderStatus, {
  name: 'LogisticsOrderStatus',
  description: 'CANCELLED when this service cancelled the order; APIUSB offers no status call, so anything else is UNKNOWN.',
});

@ObjectType({ description: 'An APIUSB courier order.' })
@Directive('@key(fields: "orderId")')
export class LogisticsOrder {
  @Field(() => ID, { description: "APIUSB's platform order id." })
  orderId!: string;

  @Field(() => ID, { nullable: true, description: "APIUSB's task id, when known." })
  taskId!: string | null;

  @Field(() => LogisticsOrderStatus)
  status!: LogisticsOrderStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  cancelledAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The reason sent with the cancellation.' })
  cancelReason!: string | null;
}

export function toLogisticsOrder(orderId: string, cancelled: CancelledOrder | undefined): LogisticsOrder {
  return {
    orderId,
    taskId: cancelled?.taskId ?? null,
    status: cancelled ? LogisticsOrderStatus.CANCELLED : LogisticsOrderStatus.UNKNOWN,
    cancelledAt: cancelled?.cancelledAt ?? null,
    cancelReason: cancelled?.reason ?? null,
  };
}

export const ORDER_ID_MAX = 64;
export const CANCEL_REASON_MAX = 200;

/** APIUSB order and task ids: digits and hex in every example; no spaces or separators. */
const ORDER_ID = /^[A-Za-z0-9_-]+$/;

export function checkOrderId(check: InputCheck, field: string, value: string): string {
  return check.id(field, value, { max: ORDER_ID_MAX, pattern: ORDER_ID, describe: 'letters, digits, "_" or "-"' });
}

export async function resolveLogisticsOrderReference(reference: { orderId: string }, ctx: RequestContext): Promise<LogisticsOrder> {
  const check = new InputCheck();
  const orderId = checkOrderId(check, 'orderId', representationKey(reference, 'orderId'));
  check.done();
  return toLogisticsOrder(orderId, await ctx.services.cancelledOrders.find(orderId));
}
