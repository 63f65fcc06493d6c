import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnService } from './helpers/child-service.js';
import { builtApp } from './helpers/built-service.js';
import { childEnv } from './helpers/test-run.js';

const ROOT = resolve(import.meta.dirname, '..');
const ENGINES = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines;
/** package.json's engines (`>=24`), which scripts/bundle.mjs writes into the entry's check. */
const REQUIRED = Number(/^>=(\d+)$/.exec(ENGINES.node)![1]);

/** The machine's own Node, when it is older than the project needs (`node_modules/.bin/node` is the locked one). */
function olderSystemNode(): { path: string; version: string } | undefined {
  for (const path of ['/usr/local/bin/node', '/usr/bin/node', '/bin/node']) {
    if (!existsSync(path)) continue;
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', env: childEnv() }).trim();
    if (Number(version.split('.')[0]) < REQUIRED) return { path, version };
  }
  return undefined;
}

/** `npm run build`'s output, as `npm start` and the image run it (built into a temp folder). */
describe('the built service (dist/service.mjs)', () => {
  let app: string;
  beforeAll(() => {
    app = builtApp();
  }, 60_000);

  it(`on a Node older than ${REQUIRED} says in one line which Node it needs and how to get it, and exits 1`, (context) => {
    const old = olderSystemNode();
    if (!old) context.skip(`this machine has no Node older than ${REQUIRED} in /usr/local/bin, /usr/bin or /bin to try`);
    const result = spawnSync(old!.path, ['dist/service.mjs'], { cwd: app, env: childEnv(), encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/^\s+at |ERR_|node:sqlite/m);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `This service needs Node ${REQUIRED} or newer; this is Node ${old!.version}. Run \`npm start\` (it brings the project's Node ${REQUIRED}) or \`nvm use\` (.node-version).`,
    ]);
  });

  it(`on Node ${REQUIRED} starts the service, answers and stops on SIGTERM`, async () => {
    const service = await spawnService({ DATA_DIR: join(app, 'data') }, { args: [join(app, 'dist', 'service.mjs')], workDir: app });
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    await service.stop();
    expect(service.child.exitCode).toBe(0);
  }, 30_000);
});
