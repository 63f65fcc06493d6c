// Performs the Dockerfile's runtime stage without Docker: the production install it makes
// (`npm ci --omit=dev --omit=optional --ignore-scripts`) of the built service into a temporary
// folder must hold no native addon (no `.node` file, nothing compiled), and, started on the
// locked Node 24 (the image's Node) with NODE_ENV=production, must answer /health, /ready and a
// GraphQL query. Catches runtime code that depends on a devDependency, and files the image
// forgets to copy.
// Usage: npm run build && node scripts/production-install-check.mjs
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
if (!existsSync(join(root, 'dist/service.mjs'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'vendor-ops-prod-'));
const started = Date.now();
let child;
try {
  // The same files the Dockerfile copies into the runtime image.
  for (const path of ['package.json', 'package-lock.json', '.npmrc', 'dist', 'schema', 'examples'])
    cpSync(join(root, path), join(dir, path), { recursive: true });
  console.log(`production install into ${dir}`);
  const install = ['ci', '--omit=dev', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  execFileSync('npm', install, { cwd: dir, stdio: 'inherit' });
  console.log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const files = readdirSync(join(dir, 'node_modules'), { recursive: true, encoding: 'utf8' });
  const native = files.filter((file) => file.endsWith('.node') || /(^|\/)build\/Release(\/|$)/.test(file));
  if (native.length > 0) throw new Error(`the production install holds native code:\n  ${native.join('\n  ')}`);
  console.log(`production install: ${files.length} files, no native addon`);
  const locked = readFileSync(join(root, '.node-version'), 'utf8').trim();
  if (process.version !== `v${locked}`)
    throw new Error(`run through npm (npm run check:production): this is Node ${process.version}, not the locked ${locked}`);

  // Port 0: the service's start-up line names the port it got (a port picked here could be taken meanwhile).
  child = spawn(process.execPath, ['dist/service.mjs'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      VENDOR_MODE: 'sandbox',
      AUTH_DISABLED: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'data'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  let healthy = false;
  let base;
  while (Date.now() < deadline && child.exitCode === null) {
    const port = /"port":(\d+).*GraphQL at/.exec(output)?.[1];
    if (port) base = `http://127.0.0.1:${port}`;
    try {
      if (!base) throw new Error('not started yet');
      if ((await fetch(`${base}/ready`)).ok) {
        healthy = true;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!healthy) throw new Error(`the production install did not become ready:\n${output}`);
  const health = await fetch(`${base}/health`);
  if (!health.ok) throw new Error(`/health answered ${health.status}`);

  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } printer(deviceNo: "4600000000000001") { status } }' }),
  });
  const body = await response.json();
  if (!body.data?._service?.sdl?.includes('type Printer') || body.data?.printer?.status !== 'online') {
    throw new Error(`unexpected GraphQL answer: ${JSON.stringify(body).slice(0, 500)}\n${output}`);
  }
  const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
  if (!(await page.text()).includes('graphiql')) throw new Error('GraphiQL page missing in the production install');
  console.log(`production install on Node ${process.version}: /health, /ready, GraphQL and GraphiQL answer`);
} finally {
  child?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
