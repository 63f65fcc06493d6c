// The load generator: Debian's `wrk` (scripts/wrk-tools.sh installs it into .cache/wrk when
// missing) in its own process, one thread, POSTing the cancel mutation (bench/wrk/cancel.lua).
// Written in C on an event loop, it costs a fraction of the CPU the system under test spends
// per request; autocannon in the bench's own process took about a core from it on 2 cores.
// Each run also reports the CPU wrk itself used, so the claim is checked on every run.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./wrk/cancel.lua', import.meta.url));
const TOOLS = fileURLToPath(new URL('../scripts/wrk-tools.sh', import.meta.url));
/** Clock ticks per second, the unit of /proc/<pid>/stat's times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface WrkRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors, timeouts and answers that are not 2xx/3xx. */
  errors: number;
  /** Answers received. */
  total: number;
  /** CPU wrk itself used (user + system), ms. */
  wrkCpuMs: number;
}

export interface WrkOptions {
  durationS: number;
  connections: number;
  /** A fixed offered rate, req/s (the Lua script's pacing); as fast as the connections go when absent. */
  rate?: number;
}

let wrkPath: string | undefined;
/** The wrk to run, installed on first use. */
export function wrkBinary(): string {
  wrkPath ??= execFileSync('bash', [TOOLS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return wrkPath;
}

interface WrkResult {
  durationUs: number;
  requests: number;
  errors: Record<'connect' | 'read' | 'write' | 'status' | 'timeout', number>;
  latencyUs: { p50: number; p99: number };
}

/**
 * One wrk run against `url`. wrk runs under `sh`, which prints its waited-for children's CPU
 * (cutime + cstime of /proc/<sh>/stat) once wrk has exited: wrk's own CPU, without a timing tool.
 */
export async function wrk(url: string, options: WrkOptions): Promise<WrkRun> {
  const threads = 1;
  const args = [`-t${threads}`, `-c${options.connections}`, `-d${options.durationS}s`, '--timeout', '10s', '-s', SCRIPT, url];
  const shell = 'wrk="$0"; "$wrk" "$@"; status=$?; echo "WRK_CPU $(cut -d" " -f16,17 /proc/$$/stat)"; exit $status';
  const child = spawn('sh', ['-c', shell, wrkBinary(), ...args], {
    env: { PATH: process.env.PATH, WRK_THREADS: String(threads), ...(options.rate ? { WRK_RATE: String(options.rate) } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const line = output.split('\n').find((l) => l.startsWith('WRK_RESULT '));
  const cpu = output.split('\n').find((l) => l.startsWith('WRK_CPU '));
  if (code !== 0 || !line || !cpu) throw new Error(`wrk failed (exit ${code}):\n${output}`);
  const result = JSON.parse(line.slice('WRK_RESULT '.length)) as WrkResult;
  const [user, system] = cpu.slice('WRK_CPU '.length).split(' ').map(Number) as [number, number];
  const { connect, read, write, status, timeout } = result.errors;
  return {
    requestsPerSecond: Math.round(result.requests / (result.durationUs / 1e6)),
    p50Ms: Math.round(result.latencyUs.p50 / 100) / 10,
    p99Ms: Math.round(result.latencyUs.p99 / 100) / 10,
    errors: connect + read + write + status + timeout,
    total: result.requests,
    wrkCpuMs: Math.round(((user + system) * 1000) / CLOCK_TICKS),
  };
}

/** CPU a process has used so far (user + system), ms, from /proc/<pid>/stat. */
export async function processCpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
