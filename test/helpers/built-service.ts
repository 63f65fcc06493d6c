import { copyFileSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from './cleanup.js';
import { childEnv } from './test-run.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * `npm run build`'s output as `npm start` and the image run it, built into a temp folder (tsc,
 * then scripts/bundle.mjs) beside a copy of package.json (its scripts) and a link to the project's
 * node_modules: the checkout's dist/ is never written. Removed when the test file ends.
 */
export function builtApp(): string {
  const app = tempDir('vendor-ops-built-');
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  const dist = join(app, 'dist');
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', dist], { cwd: ROOT, env: childEnv() });
  execFileSync(process.execPath, ['scripts/bundle.mjs', dist], { cwd: ROOT, env: childEnv() });
  return app;
}
