import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { atFileEnd } from './cleanup.js';
import { childEnv } from './test-run.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = join(ROOT, 'src', 'index.ts');
/** tsx's loader by path: `--import tsx` would resolve it from the working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Entry processes still running: killed if the test worker exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface EntryOptions {
  /** Node's arguments instead of `--import tsx src/index.ts`, e.g. a built `dist/service.mjs`. */
  args?: string[];
  /** A working directory the caller made (and removes) instead of a fresh one. */
  workDir?: string;
}

export interface EntryProcess {
  child: ChildProcess;
  /** The process's working directory, a fresh temp folder; DATA_DIR is `data` in it unless given. */
  workDir: string;
  /** Resolves once the process has exited and its temp folder is gone. */
  exited: Promise<void>;
}

/**
 * `src/index.ts` in its own process, as `npm run dev` or a container runs it, but in a fresh temp
 * folder (so no `.env` of the checkout is read and nothing is written into it) and with an
 * environment built from scratch (nothing of the developer's shell). Killed, and its folder
 * removed, when the test file ends if the test has not stopped it.
 */
export function startEntry(env: Record<string, string>, options: EntryOptions = {}): EntryProcess {
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'vendor-ops-entry-'));
  const child = spawn(process.execPath, options.args ?? ['--import', TSX, ENTRY], {
    cwd: workDir,
    env: childEnv({
      // tsx applies the project's compiler options (decorators) by this file's `include`.
      TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(workDir, 'data'),
      // No load balancer follows a test's SIGTERM: a test of the drain sets it itself.
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      if (!options.workDir) rmSync(workDir, { recursive: true, force: true });
      resolve();
    }),
  );
  const forget = atFileEnd(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  void exited.then(forget);
  return { child, workDir, exited };
}

export interface ChildService {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote, stdout and stderr. */
  output: string[];
  gql<TData, TVars>(
    document: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    headers?: Record<string, string>,
  ): Promise<{ data?: TData | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** `kill -9`: no shutdown hook runs. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** The real entry point (`src/index.ts`) in its own process, as a container would run it (see startEntry). */
export async function spawnService(env: Record<string, string>, options: EntryOptions = {}): Promise<ChildService> {
  const { child, exited } = startEntry({ LOG_LEVEL: 'info', ...env }, options);
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start:\n${output.join('')}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const match = /"port":(\d+).*GraphQL at/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${output.join('')}`));
    });
  });

  return {
    child,
    url,
    output,
    async gql(document, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close', ...headers },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as never;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
