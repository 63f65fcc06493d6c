import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Machine } from './machine.js';

export enum PickupCancelScope {
  ONE = 'ONE',
  ALL = 'ALL',
}
registerEnumType(PickupCancelScope, { name: 'PickupCancelScope', description: 'ONE pickup code by id, or ALL codes of the machine.' });

@ObjectType()
export class CancelPickupCodesPayload {
  @Field(() => Machine)
  machine!: Machine;

  @Field(() => PickupCancelScope)
  scope!: PickupCancelScope;

  @Field(() => ID, { nullable: true, description: 'The cancelled code, when scope is ONE.' })
  pickupCodeId!: string | null;
}
