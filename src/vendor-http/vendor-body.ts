import type { Readable } from 'node:stream';

/** The vendor's answer is larger than we accept; the rest of it was not read. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * What `readBoundedText` reads: a web `Response`, or the transport's own answer
 * (src/vendor-http/vendor-transport.ts), which reads its socket's body without a web stream.
 */
export interface BoundedTextSource {
  boundedText(maxBytes: number): Promise<string>;
}

const hasBoundedText = (response: Response | BoundedTextSource): response is BoundedTextSource =>
  typeof (response as Partial<BoundedTextSource>).boundedText === 'function';

/**
 * A vendor body as UTF-8 text, at most `maxBytes`: refused up front by `content-length`, and
 * counted while streaming for chunked answers. A refused body is cancelled, which closes the
 * connection instead of draining it. Timeouts and resets reject from `read()` as they happen.
 */
export async function readBoundedText(response: Response | BoundedTextSource, maxBytes: number): Promise<string> {
  if (hasBoundedText(response)) return response.boundedText(maxBytes);
  const refuse = (cancel: () => Promise<void> | undefined): never => {
    // Not awaited: a hostile peer must not hold the attempt open while we hang up.
    cancel()?.catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  };
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) refuse(() => response.body?.cancel());
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) refuse(() => reader.cancel());
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The same bound over a Node stream (undici's body), without a web stream between: chunks are
 * counted as they come, a larger body is destroyed (which closes the connection instead of
 * draining it), and an abort or reset rejects with the stream's error.
 */
export function readBoundedStream(body: Readable, contentLength: string | undefined, maxBytes: number): Promise<string> {
  if (Number(contentLength ?? 0) > maxBytes) {
    body.destroy();
    return Promise.reject(new BodyTooLargeError(maxBytes));
  }
  return new BoundedRead(body, maxBytes).text;
}

const ignore = () => undefined;

/** One bounded read: its listeners are bound methods, not closures made per call. */
class BoundedRead {
  readonly text: Promise<string>;
  readonly #resolve: (text: string) => void;
  readonly #reject: (error: unknown) => void;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly #onData = this.#data.bind(this);
  readonly #onEnd = this.#end.bind(this);
  readonly #onError = this.#error.bind(this);
  readonly #onClose = this.#closed.bind(this);

  constructor(
    private readonly body: Readable,
    private readonly maxBytes: number,
  ) {
    const { promise, resolve, reject } = Promise.withResolvers<string>();
    this.text = promise;
    this.#resolve = resolve;
    this.#reject = reject;
    if (body.destroyed) {
      this.#error(body.errored ?? new Error('the body was closed before it was read'));
      return;
    }
    body.on('data', this.#onData);
    body.once('end', this.#onEnd);
    body.once('error', this.#onError);
    body.once('close', this.#onClose);
  }

  #data(chunk: Buffer): void {
    this.#size += chunk.byteLength;
    if (this.#size > this.maxBytes) {
      this.#settle();
      this.body.destroy();
      this.#reject(new BodyTooLargeError(this.maxBytes));
      return;
    }
    this.#chunks.push(chunk);
  }

  #end(): void {
    this.#settle();
    const chunks = this.#chunks;
    this.#resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, this.#size).toString('utf8'));
  }

  #error(error: unknown): void {
    this.#settle();
    this.#reject(error);
  }

  /** Destroyed without an error (the socket went away): neither `end` nor `error` will come. */
  #closed(): void {
    this.#error(new Error('the body was cut off before its end'));
  }

  /** A destroyed stream may still emit a chunk it had queued: nothing is heard after settling. */
  #settle(): void {
    const { body } = this;
    body.off('data', this.#onData);
    body.off('end', this.#onEnd);
    body.off('error', this.#onError);
    body.off('close', this.#onClose);
    body.on('error', ignore);
  }
}
