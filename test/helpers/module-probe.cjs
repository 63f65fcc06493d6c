// Preloaded with `--require` (NODE_OPTIONS): at exit, says whether the OpenTelemetry SDK was ever
// loaded. A module hook sees every load, CommonJS or ESM (the SDK ships both).
let loaded = false;
require('node:module').registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (resolved.url.includes('/@opentelemetry/sdk-node/')) loaded = true;
    return resolved;
  },
});
process.on('exit', () => {
  process.stderr.write(`module-probe: sdk-node ${loaded ? 'loaded' : 'not loaded'}\n`);
});
