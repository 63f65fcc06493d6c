import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { representationKey } from '../graphql/validation.js';
import { machineNo } from './pickup-input.js';

@ObjectType({ description: 'A vending machine of the pickup-code vendor.' })
@Directive('@key(fields: "machineNo")')
export class Machine {
  @Field(() => ID, { description: "The vendor's 8-digit machine number." })
  machineNo!: string;
}

/** The vendor has no machine lookup: any well-formed number is a machine; its codes say more. */
export function resolveMachineReference(reference: unknown): Machine {
  return { machineNo: machineNo(representationKey(reference, 'machineNo')) };
}
