// Reference (c): the minimal hand-written Apollo Server 5 subgraph for the same call: one
// `cancelPrintMessage` mutation that cancels at Feyin with plain fetch. No auth, limits,
// loaders, logging or metrics: what Apollo alone costs per request.
// Reference (d), REFERENCE_TRANSPORT=undici: the same subgraph calling Feyin with
// `undici.request` on a keep-alive Agent, as the service does: the most any service built on
// Apollo Server can do here, whatever it adds.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { Agent, request } from 'undici';

const feyin = process.env.FEYIN_BASE_URL!;
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
/** POSTs (or GETs) `url` and parses the JSON answer, with fetch or undici as the reference asks. */
const call: (url: string, method?: 'GET' | 'POST') => Promise<unknown> =
  process.env.REFERENCE_TRANSPORT === 'undici'
    ? async (url, method = 'GET') => (await request(url, { method, dispatcher })).body.json()
    : async (url, method = 'GET') => (await fetch(url, { method })).json();
const { access_token: token } = (await call(`${feyin}/token?code=bench&secret=bench`)) as { access_token: string };

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type PrintMessage @key(fields: "msgNo") { msgNo: ID! }
  type CancelPrintMessagePayload { message: PrintMessage! cancelled: Boolean! }
  type Query { printMessage(msgNo: ID!): PrintMessage }
  type Mutation { cancelPrintMessage(msgNo: ID!): CancelPrintMessagePayload! }
`);
const resolvers = {
  Query: { printMessage: (_: unknown, { msgNo }: { msgNo: string }) => ({ msgNo }) },
  Mutation: {
    async cancelPrintMessage(_: unknown, { msgNo }: { msgNo: string }) {
      const url = `${feyin}/msg/${encodeURIComponent(msgNo)}/cancel?access_token=${token}`;
      const answer = (await call(url, 'POST')) as { errcode: number };
      if (answer.errcode !== 0) throw new Error(`Feyin refused: ${answer.errcode}`);
      return { message: { msgNo }, cancelled: true };
    },
  },
};

const server = new ApolloServer({ schema: buildSubgraphSchema([{ typeDefs, resolvers }]) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
process.send!({ type: 'ready', url });
