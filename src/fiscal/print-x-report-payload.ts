import { Field, ObjectType } from 'type-graphql';
import { FiscalDocument } from './fiscal-document.js';

@ObjectType()
export class PrintXReportPayload {
  @Field(() => FiscalDocument, {
    description: 'ACCEPTED, or RETRY_SCHEDULED when LifePay could not be reached (it is retried in the background).',
  })
  document!: FiscalDocument;
}
