/** The vendor's answer is larger than we accept; the rest of it was not read. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the answer is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * A vendor body as UTF-8 text, at most `maxBytes`: refused up front by `content-length`, and
 * counted while streaming for chunked answers. A refused body is cancelled, which closes the
 * connection instead of draining it. Timeouts and resets reject from `read()` as they happen.
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string> {
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
