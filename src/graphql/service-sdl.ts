import { graphql, type GraphQLSchema } from 'graphql';

/** Exactly what `{ _service { sdl } }` answers: the text the supergraph composes. */
export async function serviceSdl(schema: GraphQLSchema): Promise<string> {
  const result = await graphql({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data?._service as { sdl?: string } | undefined)?.sdl;
  if (result.errors?.length || typeof sdl !== 'string') throw new Error(`cannot read the subgraph SDL: ${result.errors?.[0]?.message}`);
  return sdl;
}
