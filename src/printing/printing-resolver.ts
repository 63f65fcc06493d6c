import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { BaseContext } from '../observability/request-scope.js';
import type { PrintingContext } from './printing-context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { CancelPrintMessagePayload } from './cancel-print-message-payload.js';
import { PrintMessage, loadPrintMessage } from './print-message.js';
import { Printer, loadPrinter } from './printer.js';
import { feyinId } from './printing-input.js';
import type { FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';
import { printMessageStates, printerStates } from './printing-subscriptions.js';

type IdArgs<K extends string> = { args: Record<K, string>; context: PrintingContext };

@Resolver(() => Printer)
export class PrinterResolver {
  @Query(() => Printer, { nullable: true, description: 'A Feyin printer and its live status; null when Feyin does not know it.' })
  printer(@Arg('deviceNo', () => ID) deviceNo: string, @Ctx() ctx: PrintingContext): Promise<Printer | null> {
    return loadPrinter(deviceNo, ctx);
  }

  @Subscription(() => Printer, {
    description: "The printer's current status (when Feyin knows it), then its status after each change. Never completes.",
    subscribe: ({ args, context }: IdArgs<'deviceNo'>) => printerStates(args.deviceNo, context),
  })
  printerUpdated(@Root() printer: FeyinPrinterStatus, @Arg('deviceNo', () => ID) _deviceNo: string): Printer {
    return printer;
  }
}

@Resolver(() => PrintMessage)
export class PrintMessageResolver {
  @Query(() => PrintMessage, { nullable: true, description: 'A Feyin print message; null when Feyin does not know it.' })
  printMessage(@Arg('msgNo', () => ID) msgNo: string, @Ctx() ctx: PrintingContext): Promise<PrintMessage | null> {
    return loadPrintMessage(msgNo, ctx);
  }

  @Subscription(() => PrintMessage, {
    description:
      'The message as printMessage reads it (when Feyin knows it), then after each change; completes after it is printed or cancelled.',
    subscribe: ({ args, context }: IdArgs<'msgNo'>) => printMessageStates(args.msgNo, context),
  })
  printMessageUpdated(@Root() message: FeyinMessageStatus, @Arg('msgNo', () => ID) _msgNo: string): PrintMessage {
    return { msgNo: message.msgNo };
  }

  @Mutation(() => CancelPrintMessagePayload, {
    description: 'Cancels a message the printer has not started. FAILED_PRECONDITION once it is printing; NOT_FOUND for an unknown msgNo.',
  })
  async cancelPrintMessage(
    @Arg('msgNo', () => ID) msgNo: string,
    @Ctx() ctx: PrintingContext & BaseContext,
  ): Promise<CancelPrintMessagePayload> {
    const id = feyinId('msgNo', msgNo);
    await ctx.feyin.cancelMessage(id, ctx);
    ctx.printingLoaders.printMessageStatus.clear(id);
    // The cancel stands even if the announcement fails: live updates miss one event, callers do not.
    await ctx.feyinReports
      .announce(ctx.merchantId, 'PrintMessage', id)
      .catch((error: unknown) => ctx.log.warn({ err: error, msgNo: id }, 'printing: announcing a cancel failed'));
    return { message: { msgNo: id }, cancelled: true };
  }

  @FieldResolver(() => String, { nullable: true })
  async status(@Root() message: PrintMessage, @Ctx() ctx: PrintingContext): Promise<string | null> {
    return (await ctx.printingLoaders.printMessageStatus.load(message.msgNo))?.status ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async printedAt(@Root() message: PrintMessage, @Ctx() ctx: PrintingContext): Promise<Date | null> {
    return (await ctx.printingLoaders.printMessageStatus.load(message.msgNo))?.printedAt ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true })
  async createdAt(@Root() message: PrintMessage, @Ctx() ctx: PrintingContext): Promise<Date | null> {
    return (await ctx.printingLoaders.printMessageStatus.load(message.msgNo))?.createdAt ?? null;
  }
}
