import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.js';

/** Everything the service logs, as text, so tests can search it for secrets. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger;

  constructor(level = 'debug') {
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    this.logger = createLogger({ level, destination: stream });
  }

  get text(): string {
    return this.lines.join('\n');
  }

  records(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
