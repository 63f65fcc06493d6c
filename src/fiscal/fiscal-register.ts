import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { representationKey } from '../graphql/validation.js';
import { validSerial } from './x-report-order.js';

/** A LifePay fiscal register (cloud printer), known by its serial number. */
@ObjectType({ description: 'A LifePay fiscal register (cloud fiscal printer), by serial number.' })
@Directive('@key(fields: "serial")')
export class FiscalRegister {
  @Field(() => ID, { description: "The register's serial number, as LifePay's target_serial." })
  serial!: string;
}

/** LifePay has no register lookup: any serial is a valid reference; `documents` holds what we sent to it. */
export function resolveFiscalRegisterReference(reference: unknown): FiscalRegister {
  return { serial: validSerial(representationKey(reference, 'serial')) };
}
