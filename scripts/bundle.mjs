// `npm run build`'s second step: the compiled service (dist/src/index.js) as one module,
// dist/service.mjs, which `npm start` and the image run. Loading ~1,000 modules one by one
// was about 40 % of start-up (resolution, package.json reads, compiling); one file starts
// in about 60 % of the time. Packages that find files beside their own code at run time
// (pino's worker threads) or are loaded only when configured (pg, OpenTelemetry) stay in
// node_modules, imported as usual.
import { build } from 'esbuild';

const EXTERNAL = ['pg', '@opentelemetry/*', 'pino', 'pino-pretty', 'class-validator'];

await build({
  entryPoints: ['dist/src/index.js'],
  outfile: 'dist/service.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // type-graphql names GraphQL types and fields after classes: minified names would rename them.
  keepNames: true,
  sourcemap: true,
  external: EXTERNAL,
  // CommonJS packages inside an ES module still call `require` for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
