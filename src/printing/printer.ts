import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { PrintingContext } from './printing-context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { representationKey } from '../graphql/validation.js';
import { feyinId } from './printing-input.js';

@ObjectType({ description: 'A Feyin cloud printer.' })
@Directive('@key(fields: "deviceNo")')
export class Printer {
  @Field(() => ID, { description: "Feyin's device number." })
  deviceNo!: string;

  @Field(() => String, { nullable: true, description: 'As Feyin reports it: online, offline, overheat or error.' })
  status!: string | null;

  @Field(() => String, { nullable: true, description: 'As Feyin reports it: "nomal" (sic, paper present) or "lack".' })
  paperStatus!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastConnectedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Since when the printer has had its current status.' })
  since!: Date | null;
}

/** `null` when Feyin does not know the device. */
export async function loadPrinter(deviceNo: string, ctx: PrintingContext): Promise<Printer | null> {
  return ctx.printingLoaders.printerStatus.load(feyinId('deviceNo', deviceNo));
}

export function resolvePrinterReference(reference: unknown, ctx: PrintingContext): Promise<Printer | null> {
  return loadPrinter(representationKey(reference, 'deviceNo'), ctx);
}
