import { InputError, type FieldMessages } from './errors.js';

/**
 * Collects field problems and throws one BAD_USER_INPUT naming all of them, so a caller
 * fixes everything in one round and no vendor is called with half-valid input.
 */
export class InputCheck {
  private readonly fields: FieldMessages = {};

  add(field: string, message: string): this {
    (this.fields[field] ??= []).push(message);
    return this;
  }

  /** A required identifier: trimmed, non-blank, at most `max` characters, matching `pattern`. */
  id(field: string, value: string, options: { max: number; pattern?: RegExp; describe?: string }): string {
    const trimmed = value.trim();
    // A lone surrogate would be silently replaced on its way to the vendor: refuse it instead.
    if (!value.isWellFormed()) this.add(field, 'must be valid Unicode text (it holds a lone surrogate)');
    else if (trimmed === '') this.add(field, 'must not be blank');
    else if (trimmed.length > options.max) this.add(field, `must be at most ${options.max} characters`);
    else if (options.pattern && !options.pattern.test(trimmed))
      this.add(field, `must be ${options.describe ?? `of the form ${options.pattern.source}`}`);
    return trimmed;
  }

  done(): void {
    if (Object.keys(this.fields).length > 0) throw new InputError(this.fields);
  }

  /** The one-field shorthand: runs `rule` on a fresh check and throws its problem at once. */
  static single<T>(rule: (check: InputCheck) => T): T {
    const check = new InputCheck();
    const value = rule(check);
    check.done();
    return value;
  }
}

/**
 * A key of a federation representation (`_entities`): a string, or a whole number as JSON
 * may carry an ID. Anything else (object, list, boolean, null, missing) is BAD_USER_INPUT.
 */
export function representationKey(reference: unknown, field: string): string {
  const value = typeof reference === 'object' && reference !== null ? (reference as Record<string, unknown>)[field] : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new InputError({ [field]: ['must be a string'] });
}
