import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { InputCheck } from '../validation.js';
import { CancelOrderPayload } from './cancel-order-payload.js';
import { CANCEL_REASON_MAX, LogisticsOrder, checkOrderId, toLogisticsOrder } from './logistics-order.js';

@Resolver(() => LogisticsOrder)
export class LogisticsOrderResolver {
  @Mutation(() => CancelOrderPayload, {
    description: 'Cancels an APIUSB courier order. A refusal by APIUSB (e.g. already collected) is an error, never a silent success.',
  })
  async cancelOrder(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('taskId', () => ID) taskId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CancelOrderPayload> {
    const check = new InputCheck();
    const order = {
      orderId: checkOrderId(check, 'orderId', orderId),
      taskId: checkOrderId(check, 'taskId', taskId),
      reason: check.id('reason', reason, { max: CANCEL_REASON_MAX }),
    };
    check.done();
    await ctx.vendors.apiusb.cancelOrder(order);
    const cancelled = { ...order, cancelledAt: new Date() };
    await ctx.services.cancelledOrders.remember(cancelled);
    return { order: toLogisticsOrder(order.orderId, cancelled) };
  }
}
