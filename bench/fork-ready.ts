import { fork, type ChildProcess } from 'node:child_process';

/** Forks a TypeScript bench process and waits for its `{ type: 'ready', url }` message. */
export async function forkReady(
  module: string,
  options: { env?: Record<string, string>; execArgv?: string[] } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL(module, import.meta.url).pathname, {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: { PATH: process.env.PATH, ...options.env },
    stdio: 'inherit',
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${module} exited with ${code} before it was ready`)));
    child.on('message', (message: { type: string; url?: string }) => {
      if (message.type === 'ready') resolve(message.url!);
    });
  });
  return { child, url };
}
