// Reference (c): the minimal hand-written Apollo Server 5 subgraph for the same call
// (bench/references/cancel-subgraph.ts), calling Feyin with plain fetch: what Apollo alone
// costs per request.
// Reference (d), REFERENCE_TRANSPORT=undici: the same subgraph calling Feyin with
// `undici.request` on a keep-alive Agent, as the service's transport does: the headline
// reference, the most a service built on Apollo Server can do here, whatever it adds.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { cancelSubgraphSchema } from './cancel-subgraph.js';

const server = new ApolloServer({ schema: await cancelSubgraphSchema(process.env.FEYIN_BASE_URL!) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
process.send!({ type: 'ready', url });
