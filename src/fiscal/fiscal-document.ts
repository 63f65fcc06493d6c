import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars.js';
import { representationKey } from '../graphql/validation.js';
import { FiscalDocumentKind, FiscalDocumentStatus } from './fiscal-enums.js';
import { validExtId } from './x-report-order.js';
import { FiscalRegister } from './fiscal-register.js';
import type { FiscalContext } from './fiscal-context.js';
import type { XReportRecord } from './x-reports.js';

@ObjectType({ description: 'A document sent to a LifePay fiscal register, with its delivery state.' })
@Directive('@key(fields: "extId")')
export class FiscalDocument {
  /** The store row id, for notification lookups; not part of the schema. */
  documentId!: string;

  @Field(() => ID, { description: 'Our id for the document, sent to LifePay as ext_id (its idempotency key).' })
  extId!: string;

  @Field(() => ID, { nullable: true, description: "LifePay's document uuid; null until accepted, and always in test mode." })
  uuid!: string | null;

  @Field(() => FiscalDocumentKind)
  kind!: FiscalDocumentKind;

  @Field(() => FiscalDocumentStatus)
  status!: FiscalDocumentStatus;

  @Field(() => Int, { description: 'Attempts made so far (the first one included).' })
  attempts!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next attempt is due (RETRY_SCHEDULED only).' })
  nextAttemptAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt did not succeed, in plain English.' })
  lastError!: string | null;

  @Field(() => String, { nullable: true, description: 'The error code of the last failed attempt (the error vocabulary, or EXPIRED).' })
  lastErrorCode!: string | null;

  @Field(() => FiscalRegister, { nullable: true, description: 'The register named by targetSerial; null when LifePay chose one.' })
  register!: FiscalRegister | null;

  @Field(() => Boolean, { description: "Sent in LifePay's test mode: nothing printed, no uuid, no callbacks." })
  test!: boolean;

  @Field(() => JSONScalar, { nullable: true, description: 'The callbackData sent with the document.' })
  callbackData!: unknown;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the latest LifePay callback arrived.' })
  notifiedAt!: Date | null;
}

const date = (value: string | null) => (value === null ? null : new Date(value));

export function toFiscalDocument({ row, request }: XReportRecord): FiscalDocument {
  return {
    documentId: row.id,
    extId: row.ext_id,
    uuid: row.vendor_ref,
    kind: row.kind as FiscalDocumentKind,
    status: row.status as FiscalDocumentStatus,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'RETRY_SCHEDULED' ? date(row.next_attempt_at) : null,
    lastError: row.last_error,
    lastErrorCode: row.last_error_code,
    register: row.target === null ? null : { serial: row.target },
    test: row.test === 1,
    callbackData: request.callback_data ?? null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    notifiedAt: date(row.notified_at),
  };
}

/** `null` when no document has this extId. */
export async function loadFiscalDocument(extId: string, ctx: FiscalContext): Promise<FiscalDocument | null> {
  const record = await ctx.fiscalLoaders.fiscalDocument.load(validExtId(extId));
  return record ? toFiscalDocument(record) : null;
}

export function resolveFiscalDocumentReference(reference: unknown, ctx: FiscalContext): Promise<FiscalDocument | null> {
  return loadFiscalDocument(representationKey(reference, 'extId'), ctx);
}
