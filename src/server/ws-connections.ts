/** Why an upgrade is refused: every socket is taken, or the uninitialised sockets' share is. */
export type WsRefusal = 'connections_max' | 'pending_max';

export interface WsConnectionLimitOptions {
  /** Open WebSockets at most (WS_CONNECTIONS_MAX). */
  max: number;
  /** Of those, sockets that have not yet been acknowledged (`connection_init` accepted); a quarter of `max` by default. */
  pendingMax?: number;
}

/**
 * The WebSockets this process holds, pending (upgraded, `connection_init` not yet accepted) or
 * initialised, against WS_CONNECTIONS_MAX. Opening one needs no token, so the pending share is
 * smaller: a flood of sockets that never authenticate cannot take the room of clients that do.
 */
export class WsConnectionLimit {
  readonly max: number;
  readonly pendingMax: number;
  private readonly pending = new Set<object>();
  private readonly initialised = new Set<object>();

  constructor(options: WsConnectionLimitOptions) {
    this.max = options.max;
    this.pendingMax = Math.max(1, Math.min(options.max, options.pendingMax ?? Math.floor(options.max / 4)));
  }

  /** Sockets open now, by state. */
  get counts(): { pending: number; initialised: number } {
    return { pending: this.pending.size, initialised: this.initialised.size };
  }

  /** Why a new socket may not be opened now, or undefined when it may. */
  refusal(): WsRefusal | undefined {
    if (this.pending.size + this.initialised.size >= this.max) return 'connections_max';
    if (this.pending.size >= this.pendingMax) return 'pending_max';
    return undefined;
  }

  /** A socket upgraded: pending until its `connection_init` is accepted. */
  opened(socket: object): void {
    this.pending.add(socket);
  }

  /** Its `connection_init` was accepted. */
  acknowledged(socket: object): void {
    if (this.pending.delete(socket)) this.initialised.add(socket);
  }

  isPending(socket: object): boolean {
    return this.pending.has(socket);
  }

  /** The socket is gone (closed, terminated): its place is free. */
  closed(socket: object): void {
    this.pending.delete(socket);
    this.initialised.delete(socket);
  }
}
