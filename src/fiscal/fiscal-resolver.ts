import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { BaseContext } from '../observability/request-scope.js';
import type { FiscalContext } from './fiscal-context.js';
import { InputCheck } from '../graphql/validation.js';
import { FiscalDocument, loadFiscalDocument, toFiscalDocument } from './fiscal-document.js';
import { FiscalRegister } from './fiscal-register.js';
import { PrintXReportInput } from './print-x-report-input.js';
import { PrintXReportPayload } from './print-x-report-payload.js';
import { fiscalDocumentStates } from './fiscal-subscriptions.js';

/** The most `FiscalRegister.documents` returns: its `limit` bound, and its list size for demand control. */
export const DOCUMENTS_MAX = 200;

@Resolver(() => FiscalDocument)
export class FiscalDocumentResolver {
  @Query(() => FiscalDocument, {
    nullable: true,
    description: 'A fiscal document this service sent (or is sending) to LifePay; null for an unknown extId.',
  })
  fiscalDocument(@Arg('extId', () => ID) extId: string, @Ctx() ctx: FiscalContext): Promise<FiscalDocument | null> {
    return loadFiscalDocument(extId, ctx);
  }

  @Subscription(() => FiscalDocument, {
    description:
      'The document as fiscalDocument reads it (when it exists), then after each change (attempts, LifePay callbacks); ' +
      'completes after PROCESSED or FAILED.',
    subscribe: ({ args, context }: { args: { extId: string }; context: FiscalContext }) => fiscalDocumentStates(args.extId, context),
  })
  fiscalDocumentUpdated(@Root() document: FiscalDocument, @Arg('extId', () => ID) _extId: string): FiscalDocument {
    return document;
  }

  @Mutation(() => PrintXReportPayload, {
    description:
      'Prints an X-report on a LifePay register. Recorded before LifePay is called; when LifePay cannot be reached ' +
      'the document is RETRY_SCHEDULED (no error) and retried in the background with the same ext_id. ' +
      'A LifePay refusal is an error and leaves the document FAILED.',
  })
  async printXReport(
    @Arg('input', () => PrintXReportInput) input: PrintXReportInput,
    @Ctx() ctx: FiscalContext & BaseContext,
  ): Promise<PrintXReportPayload> {
    const record = await ctx.xReports.print(input, ctx, ctx);
    ctx.fiscalLoaders.fiscalDocument.clear(record.row.ext_id);
    return { document: toFiscalDocument(record) };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "LifePay's latest callback for this document, verbatim (its format is undocumented).",
  })
  async notification(@Root() document: FiscalDocument, @Ctx() ctx: FiscalContext): Promise<string | null> {
    return document.notifiedAt ? ctx.xReports.latestCallback(document.documentId) : null;
  }
}

@Resolver(() => FiscalRegister)
export class FiscalRegisterResolver {
  @FieldResolver(() => [FiscalDocument], { description: 'Documents this service sent to the register, newest first.' })
  async documents(
    @Root() register: FiscalRegister,
    @Arg('limit', () => Int, { defaultValue: 50, description: `At most ${DOCUMENTS_MAX}.` }) limit: number,
    @Ctx() ctx: FiscalContext,
  ): Promise<FiscalDocument[]> {
    const check = new InputCheck();
    if (limit < 1 || limit > DOCUMENTS_MAX) check.add('limit', `must be from 1 to ${DOCUMENTS_MAX}`);
    check.done();
    return (await ctx.xReports.forRegister(ctx.merchantId, register.serial, limit)).map(toFiscalDocument);
  }
}
