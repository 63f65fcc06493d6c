import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Each `next` payload's data, in order. */
  events: T[];
  /** Errors of `next` payloads, or of an `error` message. */
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** How the subscription ended: `complete`, `error`, or the socket's close code. */
  ended: Promise<'complete' | 'error' | number>;
  unsubscribe(): void;
}

export interface Subscriber {
  client: Client;
  /** The socket's close code, once closed. */
  closed: Promise<number>;
  /** The open socket (resolves when connected). */
  socket: Promise<WebSocket>;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  dispose(): Promise<void>;
}

/** A graphql-ws client over `ws` on `url` (http://…), never retrying: a test sees every close as it happens. */
export function subscriber(url: string, connectionParams: Record<string, unknown> = {}): Subscriber {
  let closedWith: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (closedWith = resolve));
  let connectedWith: (socket: WebSocket) => void = () => undefined;
  const socket = new Promise<WebSocket>((resolve) => (connectedWith = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    shouldRetry: () => false,
    lazy: true,
    on: {
      connected: (connected) => connectedWith(connected as WebSocket),
      closed: (event) => closedWith((event as { code: number }).code),
    },
  });
  let lastClose: number | undefined;
  void closed.then((code) => (lastClose = code));
  return {
    client,
    closed,
    socket,
    subscribe<T>(query: string, variables?: Record<string, unknown>) {
      const subscription: Subscription<T> = {
        events: [],
        errors: [],
        ended: undefined as never,
        unsubscribe: () => undefined,
      };
      subscription.ended = new Promise((resolve) => {
        subscription.unsubscribe = client.subscribe<T>(
          { query, variables },
          {
            next: (value) => {
              if (value.data) subscription.events.push(value.data as T);
              if (value.errors) subscription.errors.push(...(value.errors as Subscription<T>['errors']));
            },
            error: (error) => {
              if (Array.isArray(error)) subscription.errors.push(...(error as Subscription<T>['errors']));
              // A close event: its code, or the one the client saw.
              const code = (error as { code?: number }).code;
              resolve(typeof code === 'number' ? code : (lastClose ?? 'error'));
            },
            complete: () => resolve('complete'),
          },
        );
      });
      return subscription;
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}
