import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { PrintingContext } from './printing-context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { representationKey } from '../graphql/validation.js';
import { feyinId } from './printing-input.js';

/**
 * A message sent to a Feyin printer. Only `msgNo` lives on the object; the rest is read
 * from Feyin when asked for, so a cancel answers even if the status call afterwards fails.
 */
@ObjectType({ description: 'A message sent to a Feyin cloud printer.' })
@Directive('@key(fields: "msgNo")')
export class PrintMessage {
  @Field(() => ID, { description: "Feyin's message number." })
  msgNo!: string;

  @Field(() => String, { nullable: true, description: "Feyin's status, passed through as given." })
  status?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  printedAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When Feyin received the message.' })
  createdAt?: Date | null;
}

/** `null` when Feyin has no such message. */
export async function loadPrintMessage(msgNo: string, ctx: PrintingContext): Promise<PrintMessage | null> {
  const status = await ctx.printingLoaders.printMessageStatus.load(feyinId('msgNo', msgNo));
  return status ? { msgNo: status.msgNo } : null;
}

export function resolvePrintMessageReference(reference: unknown, ctx: PrintingContext): Promise<PrintMessage | null> {
  return loadPrintMessage(representationKey(reference, 'msgNo'), ctx);
}
