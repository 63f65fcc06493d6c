import { describe, expect, it } from 'vitest';
import { WsConnectionLimit } from '../../src/server/ws-connections.js';

describe('WsConnectionLimit', () => {
  it('gives sockets without connection_init a quarter of the total, at least one', () => {
    expect(new WsConnectionLimit({ max: 5600 }).pendingMax).toBe(1400);
    expect(new WsConnectionLimit({ max: 3 }).pendingMax).toBe(1);
    expect(new WsConnectionLimit({ max: 10, pendingMax: 50 }).pendingMax).toBe(10);
  });

  it('refuses past the pending share, and past the total whatever the state', () => {
    const limit = new WsConnectionLimit({ max: 4 });
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(limit.refusal()).toBeUndefined();
    limit.opened(a);
    expect(limit.refusal()).toBe('pending_max');
    limit.acknowledged(a);
    expect(limit.counts).toEqual({ pending: 0, initialised: 1 });
    for (const socket of [b, c]) {
      limit.opened(socket);
      limit.acknowledged(socket);
    }
    limit.opened(d);
    expect(limit.refusal()).toBe('connections_max');
    limit.closed(a);
    expect(limit.refusal()).toBe('pending_max');
    limit.closed(d);
    // A socket that closed while its connection_init was checked is not counted again.
    limit.acknowledged(d);
    expect(limit.counts).toEqual({ pending: 0, initialised: 2 });
    expect(limit.refusal()).toBeUndefined();
  });
});
