import { createRequire } from 'node:module';
import { pino, transport, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values are never written, wherever they appear in a log object. */
const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["router-authorization"]',
  'headers.appsecret',
  'headers.AppSecret',
  'access_token',
  '*.access_token',
  'apikey',
  '*.apikey',
  'secret',
  '*.secret',
  'token',
  '*.token',
];

/** JSON lines in production; readable lines in development when pino-pretty (a devDependency) is installed. */
export function createLogger(options: { level: string; pretty?: boolean; destination?: DestinationStream }): Logger {
  const destination = options.destination ?? (options.pretty ? prettyDestination() : undefined);
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

function prettyDestination(): DestinationStream | undefined {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined; // a production install has no devDependencies: stay with JSON
  }
  return transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } });
}
