import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/errors.js';
import { InputCheck, type IdKind } from '../../src/graphql/validation.js';

/**
 * Issue 19 item 3: ids whose format no vendor documents are checked by where they travel, not
 * against a guessed alphabet: a token (query string or body) or a URL path segment.
 */

const problemsOf = (kind: IdKind, value: string, max = 64): string[] | undefined => {
  try {
    InputCheck.single((check) => check.id('id', value, { max, kind }));
    return undefined;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.fields?.id;
  }
};

const ACCEPTED_BY_BOTH = [
  'ORD.2026.1',
  '100012021107633',
  'BAB7EDF04019A6C7876096B88B611769',
  'a:b;c,d',
  "o'brien",
  'x..y',
  '.hidden',
  'Bestellung-Ä',
  '订单1',
  'x'.repeat(64),
];

const REFUSED_BY_BOTH: Array<[string, string]> = [
  ['a space inside', 'ORD 1'],
  ['a leading space', ' ORD1'],
  ['a trailing newline', 'ORD1\n'],
  ['a tab', 'ORD\t1'],
  ['a carriage return', 'ORD\r1'],
  ['NUL', 'ORD\u00001'],
  ['DEL', 'ORD\u007f1'],
  ['a C1 control', 'ORD\u00851'],
  ['a no-break space', 'ORD\u00a01'],
  ['a line separator', 'ORD\u20281'],
  ['a right-to-left override', '\u202e12345678'],
  ['a zero-width space', 'ORD\u200b1'],
];

const REFUSED_IN_PATHS: Array<[string, string]> = [
  ['a slash', 'a/b'],
  ['a lone slash', '/'],
  ['a backslash', 'a\\b'],
  ['a question mark', 'a?b'],
  ['a hash', 'a#b'],
  ['a percent sign', '%2F'],
  ['an encoded dot-dot', '%2e%2e'],
  ['a dot', '.'],
  ['two dots', '..'],
  ['a traversal', '../device/1/msg/clear'],
];

describe('id kinds', () => {
  it.each(ACCEPTED_BY_BOTH)('accepts %j as a token and as a path segment', (value) => {
    expect(problemsOf('token', value)).toBeUndefined();
    expect(problemsOf('pathSegment', value)).toBeUndefined();
  });

  it.each(REFUSED_BY_BOTH)('refuses %s in either kind', (_name, value) => {
    expect(problemsOf('token', value)).toEqual(['must be printable characters without whitespace or control characters']);
    expect(problemsOf('pathSegment', value)).toEqual([
      'must be printable characters without whitespace, control characters, "/", "\\", "?", "#" or "%", and not "." or ".."',
    ]);
  });

  it.each(REFUSED_IN_PATHS)('refuses %s in a path segment, accepts it as a token', (_name, value) => {
    expect(problemsOf('pathSegment', value)).toHaveLength(1);
    expect(problemsOf('token', value)).toBeUndefined();
  });

  it('keeps the bounds: blank, over-long, a lone surrogate', () => {
    for (const kind of ['token', 'pathSegment'] as const) {
      expect(problemsOf(kind, '')).toEqual(['must not be blank']);
      expect(problemsOf(kind, ' \t ')).toEqual(['must not be blank']);
      expect(problemsOf(kind, 'x'.repeat(65))).toEqual(['must be at most 64 characters']);
      expect(problemsOf(kind, 'x'.repeat(33), 32)).toEqual(['must be at most 32 characters']);
      expect(problemsOf(kind, 'a\uD800b')).toEqual(['must be valid Unicode text (it holds a lone surrogate)']);
    }
  });

  it('returns a valid id exactly as given', () => {
    expect(InputCheck.single((check) => check.id('id', 'ORD.2026.1', { max: 64, kind: 'token' }))).toBe('ORD.2026.1');
  });

  it('documented formats stay as they were: trimmed, then matched', () => {
    const machineNo = (value: string) =>
      InputCheck.single((check) => check.id('machineNo', value, { max: 8, pattern: /^\d{8}$/, describe: 'exactly 8 digits' }));
    expect(machineNo(' 12345678 ')).toBe('12345678');
    expect(() => machineNo('1234567.')).toThrow(/machineNo must be exactly 8 digits/);
  });
});
