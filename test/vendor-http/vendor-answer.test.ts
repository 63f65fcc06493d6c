import { describe, expect, it } from 'vitest';
import { readResultCode, redactSecrets } from '../../src/vendor-http/vendor-answer.js';

describe('readResultCode', () => {
  it.each([
    [0, 0],
    ['0', 0],
    [200, 200],
    ['40014', 40014],
    [-1, -1],
    ['-1', -1],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
    ['ok', undefined],
    [' 0', undefined],
    ['0x0', undefined],
    [1.5, undefined],
    [Number.NaN, undefined],
    [false, undefined],
    [[0], undefined],
    [{}, undefined],
  ])('%j → %s', (value, expected) => {
    expect(readResultCode(value)).toBe(expected);
  });
});

describe('redactSecrets', () => {
  it('removes every secret, raw and URL-encoded, and leaves other text alone', () => {
    const secrets = ['s3cr3t/key+1', 'tok-123', undefined, ''];
    const text = 'bad token tok-123 for key s3cr3t/key+1 (s3cr3t%2Fkey%2B1), order A1';
    expect(redactSecrets(text, secrets)).toBe('bad token [redacted] for key [redacted] ([redacted]), order A1');
    expect(redactSecrets('nothing to hide', secrets)).toBe('nothing to hide');
  });

  it('removes a secret that contains another one whole', () => {
    expect(redactSecrets('key=abcdef', ['abc', 'abcdef'])).toBe('key=[redacted]');
  });
});
