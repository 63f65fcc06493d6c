import { Field, ObjectType } from 'type-graphql';
import { LogisticsOrder } from './logistics-order.js';

@ObjectType()
export class CancelOrderPayload {
  @Field(() => LogisticsOrder)
  order!: LogisticsOrder;
}
