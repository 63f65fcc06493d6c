// Subscribers for the subscriptions bench, in their own process: raw `ws` sockets speaking
// graphql-transport-ws by hand, parsing of each message only its id and type. Each subscription
// records when its first event came and when its second (the change) came, on the clock every
// bench process shares (performance.timeOrigin + now), and hands them back over IPC.
import WebSocket from 'ws';

type Command =
  | { type: 'connect'; url: string; sockets: number }
  /** Subscriptions `from` (0: a new set) up to `to` (default: all) of `keyOf`, the key of each. */
  | { type: 'subscribe'; query: string; keys: string[]; keyOf: number[]; from?: number; to?: number }
  /** Until `expect` (default: all) subscriptions have their first state or an error. */
  | { type: 'await-first'; timeoutMs: number; expect?: number }
  | { type: 'await-change'; timeoutMs: number }
  | { type: 'count' }
  | { type: 'close' };

const now = () => performance.timeOrigin + performance.now();
/** `{"id":"12","type":"next",…}`: graphql-ws writes id first, then type. */
const HEAD = /^\{"id":"(\d+)","type":"(\w+)"/;

let sockets: WebSocket[] = [];
/** Per subscription (index = its id): events received, when the first and second came, how it ended. */
let events = new Uint8Array(0);
let firstAt = new Float64Array(0);
let changeAt = new Float64Array(0);
let firsts = 0;
let completed = 0;
let errors = 0;
/** A second event that still says `"printedAt":null` (not the change the bench made). */
let wrongChanges = 0;
let firstErrors: string[] = [];
let received = 0;
let waiting: { check: () => boolean; resolve: () => void; abort: () => void } | undefined;

const send = (message: object) => process.send!(message);

function onMessage(socket: WebSocket, data: WebSocket.RawData): void {
  const text = data.toString();
  const head = HEAD.exec(text);
  if (!head) {
    if (text.startsWith('{"type":"ping"')) socket.send('{"type":"pong"}');
    return;
  }
  const id = Number(head[1]);
  switch (head[2]) {
    case 'next': {
      const count = (events[id] = events[id]! + 1);
      if (count === 1) {
        firstAt[id] = now();
        firsts += 1;
      } else if (count === 2) {
        changeAt[id] = now();
        received += 1;
        if (text.includes('"printedAt":null')) wrongChanges += 1;
      }
      break;
    }
    case 'complete':
      completed += 1;
      break;
    case 'error':
      errors += 1;
      if (firstErrors.length < 3) firstErrors.push(text.slice(0, 300));
      break;
  }
  if (waiting?.check()) waiting.resolve();
}

function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      waiting = undefined;
      resolve(ok);
    };
    waiting = { check, resolve: () => finish(true), abort: () => finish(false) };
  });
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { perMessageDeflate: false });
    socket.once('error', reject);
    socket.once('open', () => socket.send('{"type":"connection_init","payload":{}}'));
    socket.once('message', (data) => {
      if (!data.toString().startsWith('{"type":"connection_ack"')) return reject(new Error(`no ack: ${data.toString()}`));
      socket.on('message', (more) => onMessage(socket, more));
      resolve(socket);
    });
  });
}

process.on('message', (command: Command) => {
  void (async () => {
    switch (command.type) {
      case 'connect':
        sockets = await Promise.all(Array.from({ length: command.sockets }, () => open(command.url)));
        return send({ type: 'connect' });
      case 'subscribe': {
        const total = command.keyOf.length;
        const from = command.from ?? 0;
        if (from === 0) {
          events = new Uint8Array(total);
          firstAt = new Float64Array(total);
          changeAt = new Float64Array(total);
          firsts = completed = errors = wrongChanges = received = 0;
          firstErrors = [];
        }
        const query = JSON.stringify(command.query);
        const sentAt = now();
        // Round robin over the sockets, so every socket carries every key's share.
        for (let id = from; id < (command.to ?? total); id += 1) {
          const variables = `{"m":${JSON.stringify(command.keys[command.keyOf[id]!])}}`;
          sockets[id % sockets.length]!.send(`{"id":"${id}","type":"subscribe","payload":{"query":${query},"variables":${variables}}}`);
        }
        return send({ type: 'subscribe', sentAt });
      }
      case 'await-first': {
        const expect = command.expect ?? events.length;
        const ok = await until(() => firsts + errors >= expect, command.timeoutMs);
        return send({ type: 'await-first', ok, firsts, errors, firstErrors, lastFirstAt: Math.max(0, ...firstAt) });
      }
      case 'await-change': {
        const total = events.length;
        const ok = await until(() => received + errors >= total, command.timeoutMs);
        // Give the `complete` after each final state a moment, to report them.
        await until(() => completed + errors >= total, 2_000);
        return send({ type: 'await-change', ok, received, completed, errors, firstErrors, wrongChanges, changeAt: [...changeAt] });
      }
      case 'count':
        return send({ type: 'count', firsts, received, errors });
      case 'close':
        // A wait the bench gave up on (the service died) answers now, not at its timeout.
        waiting?.abort();
        await Promise.all(
          sockets.map((socket) => {
            if (socket.readyState === WebSocket.CLOSED) return undefined;
            return new Promise((resolve) => {
              socket.once('close', resolve);
              socket.close(1000);
            });
          }),
        );
        sockets = [];
        return send({ type: 'close' });
    }
  })().catch((error: unknown) => send({ type: 'failed', message: String(error) }));
});
send({ type: 'ready', url: '' });
