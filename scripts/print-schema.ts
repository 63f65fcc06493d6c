// `npm run schema`: writes schema/subgraph.graphql from the code, exactly as `_service { sdl }` serves it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildSubgraph } from '../src/graphql/schema.js';
import { serviceSdl } from '../src/graphql/service-sdl.js';

const sdl = await serviceSdl(await buildSubgraph());
mkdirSync('schema', { recursive: true });
writeFileSync('schema/subgraph.graphql', sdl.endsWith('\n') ? sdl : `${sdl}\n`);
console.log(`schema/subgraph.graphql written (${sdl.length} characters)`);
