// CI: the committed schema composes with the test `stores` subgraph, with no errors and no
// hint we did not decide to accept (scripts/compose.ts lists the accepted ones).
// It also proves the router's directives (@requiresScopes, @cost, @listSize) survive into the supergraph.
import { composeWithStores, missingRouterDirectives } from './compose.js';

const result = composeWithStores({ vendors: 'http://vendors.invalid/graphql', stores: 'http://stores.invalid/graphql' });
for (const error of result.errors) console.error(`composition error: ${error}`);
for (const hint of result.hints) console.error(`composition hint: ${hint}`);
if (result.errors.length || result.hints.length || !result.supergraphSdl) process.exit(1);
const missing = missingRouterDirectives(result.supergraphSdl);
for (const use of missing) console.error(`missing from the supergraph: ${use}`);
if (missing.length) process.exit(1);
console.log('schema/subgraph.graphql composes with the stores subgraph: no errors, no unaccepted hints, every router directive kept');
