import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** The folder holding package.json, whether running from src/ (tsx) or dist/src/ (node). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL's files come from this project's node_modules, so firewalled users never need a CDN. */
const ASSET_FILES: Record<string, { path: string; type: string }> = {
  'react.js': { path: join(packageDir('react'), 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { path: join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { path: join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { path: join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  // The WebSocket client GraphiQL runs subscriptions with (graphql-transport-ws).
  'graphql-ws.js': { path: join(packageDir('graphql-ws'), 'umd/graphql-ws.min.js'), type: 'text/javascript' },
};

export interface StaticAsset {
  body: Buffer;
  type: string;
}

const cache = new Map<string, StaticAsset>();

export function graphiqlAsset(name: string): StaticAsset | undefined {
  const file = ASSET_FILES[name];
  if (!file) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    asset = { body: readFileSync(file.path), type: file.type };
    cache.set(name, asset);
  }
  return asset;
}

export interface ExampleOperation {
  name: string;
  query: string;
  variables?: string;
}

/** The operations in `examples/*.graphql` become GraphiQL's preloaded tabs; `# variables: {...}` lines give their variables. */
export function loadExampleOperations(folder = join(projectRoot(), 'examples')): ExampleOperation[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(folder, file), 'utf8');
      const variables = /^# variables: (.*)$/m.exec(text)?.[1];
      const query = text.replace(/^# variables: .*\n/m, '').trim();
      return {
        name: file.replace(/\.graphql$/, ''),
        query,
        variables: variables ? JSON.stringify(JSON.parse(variables), null, 2) : undefined,
      };
    });
}

const escapeForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The page's own script. Static (its settings come from the JSON block beside it), so its hash
 * is computed once for the page's CSP; `String.raw` keeps its backslashes (`\s`, `\b`), which a
 * plain template string would drop. It holds no `${` and no backtick.
 */
export const PAGE_SCRIPT = String.raw`
  const config = JSON.parse(document.getElementById('graphiql-config').textContent);
  const endpoint = config.endpoint;
  const socketUrl = new URL(endpoint, location.href).href.replace(/^http/, 'ws');
  const tabs = config.tabs;
  // The operation GraphiQL runs is a subscription: then it goes over the WebSocket. Without
  // GraphiQL's parsed document, a line starting with the keyword decides.
  const isSubscription = (params, opts) =>
    opts && opts.documentAST
      ? opts.documentAST.definitions.some((definition) =>
          definition.kind === 'OperationDefinition' && definition.operation === 'subscription' &&
          (!params.operationName || (definition.name && definition.name.value === params.operationName)))
      : /^\s*subscription\b/m.test(params.query || '');
  // The server's close codes in the error vocabulary; any other shows as its number.
  const closeCodes = { 1001: 'SERVICE_UNAVAILABLE', 1011: 'INTERNAL_SERVER_ERROR', 4400: 'BAD_USER_INPUT', 4401: 'UNAUTHENTICATED', 4403: 'FORBIDDEN', 4500: 'INTERNAL_SERVER_ERROR' };
  // A socket closed by the server (no token, a forbidden merchant, no connection_init in time)
  // arrives as a CloseEvent, which GraphiQL would print as {"isTrusted":true}: shown instead as
  // a GraphQL error carrying the server's reason.
  function closeError(event) {
    const refused = event.code === 1006;
    const message = event.reason ||
      (refused
        ? 'The WebSocket to ' + socketUrl + ' closed before the server said why (code 1006): it refused the connection (e.g. too many open, 503) or could not be reached'
        : 'The WebSocket closed (code ' + event.code + ')');
    const retryable = refused || event.code === 1001;
    return { errors: [{ message, extensions: { code: closeCodes[event.code] || event.code, retryable, closeCode: event.code } }] };
  }
  // A subscription runs over its own WebSocket, authenticated with the Headers tab's headers
  // (connection_init payload), and closes when the tab stops listening.
  async function* subscribe(params, headers) {
    const client = graphqlWs.createClient({ url: socketUrl, connectionParams: headers, lazy: true, retryAttempts: 0 });
    try {
      for await (const result of client.iterate(params)) yield result;
    } catch (error) {
      // The subscription's own error message: GraphQL errors, as GraphiQL shows an HTTP answer's.
      if (Array.isArray(error)) yield { errors: error };
      else if (error && typeof error.code === 'number' && 'reason' in error) yield closeError(error);
      else throw error;
    } finally {
      client.dispose();
    }
  }
  async function fetcher(params, opts) {
    const headers = (opts && opts.headers) || {};
    if (isSubscription(params, opts)) return subscribe(params, headers);
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, headers),
      body: JSON.stringify(params),
    });
    return response.json();
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    // GraphiQL 4 takes the first tab's editors from query/variables, not from defaultTabs.
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: tabs,
      query: tabs[0] && tabs[0].query,
      variables: tabs[0] && tabs[0].variables,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
`;

const PAGE_STYLE = 'html, body, #graphiql { height: 100%; margin: 0; } body { font-family: system-ui, sans-serif; }';

export function graphiqlPage(options: { endpoint: string; assetsPath: string; examples: ExampleOperation[] }): string {
  const tabs = options.examples.map(({ query, variables }) => ({ query, variables }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vendor operations · GraphiQL</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
<link rel="stylesheet" href="${options.assetsPath}/graphiql.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${options.assetsPath}/react.js"></script>
<script src="${options.assetsPath}/react-dom.js"></script>
<script src="${options.assetsPath}/graphiql.js"></script>
<script src="${options.assetsPath}/graphql-ws.js"></script>
<script id="graphiql-config" type="application/json">${escapeForScript({ endpoint: options.endpoint, tabs })}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>`;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The GraphiQL page's Content-Security-Policy: only this service's own files, the page's own
 * script and style (by hash, computed once), and connections back to itself. Checked in
 * Chromium (test/graphiql-csp.browser.test.ts): GraphiQL 4's bundles need no 'unsafe-eval' and
 * no 'unsafe-inline'.
 */
export const GRAPHIQL_CSP = [
  // Anything not named below: nothing (workers, frames, media, manifests…).
  "default-src 'none'",
  // React, ReactDOM, GraphiQL and graphql-ws from /graphql/assets, and the page's inline script.
  `script-src 'self' ${sha256(PAGE_SCRIPT)}`,
  // graphiql.css from /graphql/assets, and the page's inline <style>.
  `style-src 'self' ${sha256(PAGE_STYLE)}`,
  // graphiql.css embeds its icons (PNG) and fonts (woff2) as data: URLs; the favicon is `data:,`.
  'img-src data:',
  'font-src data:',
  // POST /graphql and the subscriptions' WebSocket: CSP 3's 'self' covers ws:/wss: to the same
  // host and port (an http: origin would not), whatever Host the page was opened under.
  "connect-src 'self'",
  "object-src 'none'",
  // No <base> may redirect the relative asset URLs, no form posts anywhere, no framing (clickjacking).
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
