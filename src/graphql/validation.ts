import { InputError, type FieldMessages } from '../errors/errors.js';

/**
 * The two rules for an id whose format no vendor documents, named by where the id travels.
 * Neither guesses an alphabet: a vendor may use dots, colons or letters of any script.
 */
export const ID_KINDS = {
  /** In a query string or a body, encoded on the way: printable, without whitespace or control characters. */
  token: {
    pattern: /^[^\p{C}\p{Z}\s]+$/u,
    describe: 'printable characters without whitespace or control characters',
  },
  /**
   * Also a segment of a URL path: percent-encoding keeps `/`, `\`, `?` and `#` inside the segment only
   * until a server or proxy decodes it (twice, for `%`); `.` and `..` are not encoded and name another path.
   */
  pathSegment: {
    pattern: /^(?!\.\.?$)[^\p{C}\p{Z}\s/\\?#%]+$/u,
    describe: 'printable characters without whitespace, control characters, "/", "\\", "?", "#" or "%", and not "." or ".."',
  },
} as const;

export type IdKind = keyof typeof ID_KINDS;

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

  /**
   * A required identifier: non-blank, at most `max` characters, and either of an id `kind` (taken
   * as given: whitespace is refused, not trimmed) or trimmed and matching a documented `pattern`.
   */
  id(
    field: string,
    value: string,
    options: { max: number } & ({ kind: IdKind } | { kind?: never; pattern?: RegExp; describe?: string }),
  ): string {
    const { pattern, describe } = options.kind ? ID_KINDS[options.kind] : options;
    const checked = options.kind ? value : value.trim();
    // A lone surrogate would be silently replaced on its way to the vendor: refuse it instead.
    if (!value.isWellFormed()) this.add(field, 'must be valid Unicode text (it holds a lone surrogate)');
    else if (value.trim() === '') this.add(field, 'must not be blank');
    else if (checked.length > options.max) this.add(field, `must be at most ${options.max} characters`);
    else if (pattern && !pattern.test(checked)) this.add(field, `must be ${describe ?? `of the form ${pattern.source}`}`);
    return checked;
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
