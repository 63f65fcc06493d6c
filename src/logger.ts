import { pino, type Logger, type DestinationStream } from 'pino';

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

export function createLogger(options: { level: string; pretty?: boolean; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
