import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { STORES_SDL } from '../../scripts/compose.js';

export interface StoreRecord {
  id: string;
  name: string;
  deviceNo?: string;
  machineNo?: string;
  orderId?: string;
  serial?: string;
}

/** The `stores` subgraph on its own loopback port: it knows stores and the keys of our entities. */
export async function startStoresSubgraph(stores: StoreRecord[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const byId = new Map(stores.map((store) => [store.id, store]));
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(STORES_SDL),
      resolvers: {
        Query: {
          stores: () => stores,
          store: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
        },
        Store: {
          __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
          printer: (store: StoreRecord) => (store.deviceNo ? { deviceNo: store.deviceNo } : null),
          machine: (store: StoreRecord) => (store.machineNo ? { machineNo: store.machineNo } : null),
          lastCourierOrder: (store: StoreRecord) => (store.orderId ? { orderId: store.orderId } : null),
          register: (store: StoreRecord) => (store.serial ? { serial: store.serial } : null),
        },
      },
    },
  ]);
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
