import { buildSchema, specifiedRules } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CheckedDocuments, prepareSubscription } from '../../src/server/subscription-core.js';

const schema = buildSchema(`
  type Query { hello: String }
  type Subscription { tick(id: ID!): Int }
`);
const ELSEWHERE = 'queries go by POST';
const prepare = (checked: CheckedDocuments, query: string, operationName?: string) =>
  prepareSubscription(schema, specifiedRules, { query, operationName }, ELSEWHERE, checked);

describe('CheckedDocuments: subscribers sending the same document share one parsed, validated copy', () => {
  it('the same text gives the same document; another text its own', () => {
    const checked = new CheckedDocuments();
    const first = prepare(checked, 'subscription($i: ID!) { tick(id: $i) }');
    const again = prepare(checked, 'subscription($i: ID!) { tick(id: $i) }');
    const other = prepare(checked, 'subscription { tick(id: "2") }');
    expect(first.document).toBeDefined();
    expect(again.document).toBe(first.document);
    expect(other.document).toBeDefined();
    expect(other.document).not.toBe(first.document);
  });

  it('a document that fails to parse or validate is never kept: every try gets its errors', () => {
    const checked = new CheckedDocuments();
    for (let i = 0; i < 2; i++) {
      expect(prepare(checked, 'subscription { tick(').errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(prepare(checked, 'subscription { nope }').errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('the operation is chosen per request: a kept document still refuses its query operation', () => {
    const checked = new CheckedDocuments();
    const text = 'subscription S { tick(id: "1") } query Q { hello }';
    expect(prepare(checked, text, 'S')).toMatchObject({ operationName: 'S' });
    expect(prepare(checked, text, 'S').errors).toBeUndefined();
    const query = prepare(checked, text, 'Q');
    expect(query.operationName).toBe('Q');
    expect(query.errors?.[0]?.message).toBe(ELSEWHERE);
  });

  it('holds at most `max` documents, the oldest leaving first, and none longer than `maxLength`', () => {
    const checked = new CheckedDocuments(2, 40);
    const docs = ['subscription { tick(id: "1") }', 'subscription { tick(id: "2") }', 'subscription { tick(id: "3") }'];
    const first = docs.map((text) => prepare(checked, text).document);
    expect(checked.get(docs[0]!)).toBeUndefined();
    expect(checked.get(docs[1]!)).toBe(first[1]);
    expect(checked.get(docs[2]!)).toBe(first[2]);
    const long = `subscription { tick(id: "${'x'.repeat(40)}") }`;
    expect(prepare(checked, long).document).toBeDefined();
    expect(checked.get(long)).toBeUndefined();
  });
});
