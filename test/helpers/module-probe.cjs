// Preloaded with `--require` (NODE_OPTIONS): at exit, says whether the OpenTelemetry SDK was ever loaded.
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((file) => file.includes('/@opentelemetry/sdk-node/'));
  process.stderr.write(`module-probe: sdk-node ${loaded ? 'loaded' : 'not loaded'}\n`);
});
