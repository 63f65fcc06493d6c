// The contract's scalar names: `DateTime` (RFC 3339) and `JSON`.
export { GraphQLDateTime as DateTimeScalar, GraphQLJSON as JSONScalar } from 'graphql-scalars';
