import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
/** The vendors behind this subgraph, as `extensions.vendor` names them. */
export type Vendor = 'FEYIN' | 'PICKUP' | 'APIUSB' | 'LIFEPAY';

/** The public error vocabulary (DESIGN.md): `extensions.code` of every error a caller sees. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'VENDOR_AUTH_FAILED'
  | 'VENDOR_NOT_CONFIGURED'
  | 'VENDOR_UNAVAILABLE'
  | 'VENDOR_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

/** Per-field messages, e.g. `{ msgNo: ['must be 1 to 64 characters'] }`. */
export type FieldMessages = Record<string, string[]>;

/** An error whose message and extensions are safe to show to the caller. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly fields?: FieldMessages;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; fields?: FieldMessages; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ServiceError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.fields = options.fields;
  }

  get extensions(): Record<string, unknown> {
    return { code: this.code, retryable: this.retryable, ...(this.fields ? { fields: this.fields } : {}) };
  }
}

/** Our own validation failed; thrown before any vendor call. */
export class InputError extends ServiceError {
  constructor(fields: FieldMessages) {
    const summary = Object.entries(fields)
      .map(([field, messages]) => `${field} ${messages.join('; ')}`)
      .join('. ');
    super('BAD_USER_INPUT', `Invalid input: ${summary}`, { fields });
    this.name = 'InputError';
  }
}

/** A vendor refused, failed or could not be reached. */
export class VendorError extends ServiceError {
  readonly vendor: Vendor;
  readonly vendorCode: string | number | null;

  constructor(
    vendor: Vendor,
    code: ErrorCode,
    message: string,
    options: { vendorCode?: string | number | null; retryable?: boolean; fields?: FieldMessages; cause?: unknown } = {},
  ) {
    super(code, message, { retryable: options.retryable ?? code === 'VENDOR_UNAVAILABLE', fields: options.fields, cause: options.cause });
    this.name = 'VendorError';
    this.vendor = vendor;
    this.vendorCode = options.vendorCode ?? null;
  }

  override get extensions(): Record<string, unknown> {
    return { ...super.extensions, vendor: this.vendor, vendorCode: this.vendorCode };
  }
}

function vendorNotConfigured(vendor: Vendor, missing: readonly string[]): VendorError {
  return new VendorError(vendor, 'VENDOR_NOT_CONFIGURED', `${vendor} is not configured on this service (missing ${missing.join(', ')})`);
}

/** Throws VENDOR_NOT_CONFIGURED, before any vendor call, when `missing` (from merchants/accounts.ts's `missingSettings`) names anything. */
export function requireSettings(vendor: Vendor, missing: readonly string[]): void {
  if (missing.length > 0) throw vendorNotConfigured(vendor, missing);
}

/**
 * The one place where an error becomes what the caller sees. Known errors keep their
 * message and vocabulary; anything else is masked so no internal detail or secret leaks.
 * Every answer carries `code` and `retryable`, GraphQL's own parse and validation errors too.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { exposeInternals: boolean },
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof ServiceError) {
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: original.extensions };
  }
  const code = formatted.extensions?.code;
  // Apollo's own request errors (parse, validation, bad variables) are safe and useful as they are.
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const retryable = formatted.extensions?.retryable === true;
    return { ...formatted, extensions: { ...(options.exposeInternals ? formatted.extensions : {}), code, retryable } };
  }
  if (options.exposeInternals)
    return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR', retryable: false } };
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: false },
  };
}

/** The body of an error answered before GraphQL runs (401, 413, unreadable JSON). */
export function httpErrorBody(code: ErrorCode, message: string, retryable = false): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions: { code, retryable } }] };
}

/** Timeouts, refused connections, HTTP 5xx and unreadable bodies: the same for every vendor. */
export function vendorUnavailable(vendor: Vendor, error: { message: string; status?: number }): VendorError {
  return new VendorError(vendor, 'VENDOR_UNAVAILABLE', `${vendor} is unavailable: ${error.message}`, {
    vendorCode: error.status ?? null,
    retryable: true,
  });
}

/** `ENOENT: no such file or directory, mkdir '/x'` → `no such file or directory`. */
export function systemReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^[A-Z_]+: /, '').replace(/, \w+ '.*'$/, '');
}
