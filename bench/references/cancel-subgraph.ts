// The one schema every hand-written reference serves: a `cancelPrintMessage` mutation that
// cancels at the Feyin fake, as a federation subgraph (`buildSubgraphSchema`). No auth, limits,
// loaders, logging or metrics: what the GraphQL server alone costs per request.
// REFERENCE_TRANSPORT=undici calls Feyin with `undici.request` on a keep-alive Agent (the
// transport under the service's ky); otherwise Node's global fetch.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { Agent, request } from 'undici';

export async function cancelSubgraphSchema(feyin: string, transport = process.env.REFERENCE_TRANSPORT): Promise<GraphQLSchema> {
  const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
  /** POSTs (or GETs) `url` and parses the JSON answer, with fetch or undici as the reference asks. */
  const call: (url: string, method?: 'GET' | 'POST') => Promise<unknown> =
    transport === 'undici'
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
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}
