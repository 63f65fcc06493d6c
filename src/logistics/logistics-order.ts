import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { LogisticsContext } from './logistics-context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { representationKey } from '../graphql/validation.js';
import { validOrderId } from './logistics-input.js';
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

export function toLogisticsOrder(orderId: string, cancelled: CancelledOrder | null | undefined): LogisticsOrder {
  return {
    orderId,
    taskId: cancelled?.taskId ?? null,
    status: cancelled ? LogisticsOrderStatus.CANCELLED : LogisticsOrderStatus.UNKNOWN,
    cancelledAt: cancelled?.cancelledAt ?? null,
    cancelReason: cancelled?.reason ?? null,
  };
}

export async function resolveLogisticsOrderReference(reference: unknown, ctx: LogisticsContext): Promise<LogisticsOrder> {
  const orderId = validOrderId(representationKey(reference, 'orderId'));
  return toLogisticsOrder(orderId, await ctx.logisticsLoaders.cancelledOrder.load(orderId));
}
