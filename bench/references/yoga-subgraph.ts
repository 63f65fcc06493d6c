// Reference (e): the same subgraph (bench/references/cancel-subgraph.ts) on GraphQL Yoga with
// graphql-jit (`@envelop/graphql-jit`) on node:http, calling Feyin with global fetch: the
// other common Node GraphQL server, with compiled execution.
import { createServer } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga } from 'graphql-yoga';
import { cancelSubgraphSchema } from './cancel-subgraph.js';

const yoga = createYoga({
  schema: await cancelSubgraphSchema(process.env.FEYIN_BASE_URL!, 'fetch'),
  plugins: [useGraphQlJit()],
  graphqlEndpoint: '/graphql',
  graphiql: false,
  landingPage: false,
  logging: false,
});
const server = createServer(yoga);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () =>
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql` }),
);
