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
    if (trimmed === '') this.add(field, 'must not be blank');
    else if (trimmed.length > options.max) this.add(field, `must be at most ${options.max} characters`);
    else if (options.pattern && !options.pattern.test(trimmed)) this.add(field, `must be ${options.describe ?? `of the form ${options.pattern.source}`}`);
    return trimmed;
  }

  done(): void {
    if (Object.keys(this.fields).length > 0) throw new InputError(this.fields);
  }
}
