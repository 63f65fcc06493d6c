import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawUpgrade {
  /** The TCP socket, left open: after a 101 the server sees a WebSocket that says nothing more. */
  socket: Socket;
  /** The answer's status (101 accepted, 503 refused, …). */
  status: number;
  /** The answer's header lines, lower-cased names. */
  headers: Record<string, string>;
}

/**
 * A WebSocket handshake done by hand on a plain TCP socket, the way a flood or a vanished
 * client looks to the server: nothing is sent after the upgrade and nothing is read (no pong,
 * no close answer) unless the caller does it.
 */
export function rawUpgrade(url: string, options: { path?: string; headers?: Record<string, string> } = {}): Promise<RawUpgrade> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      const [statusLine = '', ...lines] = head.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      // Whatever follows the head stays unread in the socket's buffer: this client has stopped listening.
      socket.pause();
      resolve({ socket, status: Number(statusLine.split(' ')[1]), headers });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(
      [
        `GET ${options.path ?? '/graphql'} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: graphql-transport-ws',
        ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** One masked text frame (a client's), as RFC 6455 §5.2 lays it out; the mask is random. */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  const length =
    payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}
