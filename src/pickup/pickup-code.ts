import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { PickupContext } from './pickup-context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import type { KnownPickupCode } from './known-pickup-codes.js';
import { representationKey } from '../graphql/validation.js';
import { Machine } from './machine.js';

export enum PickupCodeStatus {
  UNUSED = 'UNUSED',
  USED = 'USED',
  EXPIRED = 'EXPIRED',
  UNKNOWN = 'UNKNOWN',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PickupCodeStatus, {
  name: 'PickupCodeStatus',
  description: "The vendor's status; CANCELLED for codes this service cancelled.",
});

@ObjectType({ description: 'A pickup code a customer types into a vending machine.' })
@Directive('@key(fields: "id")')
export class PickupCode {
  @Field(() => ID, { description: "The vendor's pickup-code record id." })
  id!: string;

  @Field(() => String, { nullable: true, description: 'The code itself.' })
  code!: string | null;

  @Field(() => PickupCodeStatus, { nullable: true })
  status!: PickupCodeStatus | null;

  @Field(() => Machine, { nullable: true })
  machine!: Machine | null;

  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => Int, { nullable: true })
  quantity!: number | null;
}

export function toPickupCode(known: KnownPickupCode): PickupCode {
  return {
    id: known.id,
    code: known.code,
    status: PickupCodeStatus[known.status],
    machine: { machineNo: known.machineNo },
    expiresAt: known.expiresAt,
    createdAt: known.createdAt,
    quantity: known.quantity,
  };
}

/** Answered from the codes this service has seen (batched per request); `null` otherwise (see KnownPickupCodes). */
export async function resolvePickupCodeReference(reference: unknown, ctx: PickupContext): Promise<PickupCode | null> {
  const known = await ctx.pickupLoaders.pickupCode.load(representationKey(reference, 'id'));
  return known ? toPickupCode(known) : null;
}
