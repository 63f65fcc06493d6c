import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { recordAfterVendor, type BaseContext } from '../observability/request-scope.js';
import type { LogisticsContext } from './logistics-context.js';
import { CancelOrderPayload } from './cancel-order-payload.js';
import { cancellation } from './logistics-input.js';
import { LogisticsOrder, toLogisticsOrder } from './logistics-order.js';

@Resolver(() => LogisticsOrder)
export class LogisticsOrderResolver {
  @Mutation(() => CancelOrderPayload, {
    description: 'Cancels an APIUSB courier order. A refusal by APIUSB (e.g. already collected) is an error, never a silent success.',
  })
  async cancelOrder(
    @Arg('orderId', () => ID) orderId: string,
    @Arg('taskId', () => ID) taskId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: LogisticsContext & BaseContext,
  ): Promise<CancelOrderPayload> {
    const order = cancellation({ orderId, taskId, reason });
    await ctx.apiusb.cancelOrder(order, ctx);
    const cancelled = { ...order, cancelledAt: ctx.cancelledOrders.now() };
    await recordAfterVendor(ctx, 'cancelled order', () => ctx.cancelledOrders.remember(ctx.merchantId, cancelled));
    return { order: toLogisticsOrder(order.orderId, cancelled) };
  }
}
