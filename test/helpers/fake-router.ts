import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    kind?: string;
    action?: string;
    id?: string;
    verifier?: string;
    payload?: { data?: Record<string, unknown> };
    errors?: unknown[];
  };
  text: string;
  /** When it arrived (Date.now()): the waits between tries. */
  at: number;
}

/**
 * What the router's callback endpoint answers to a message: a status, a redirect, a 204 after a
 * while, nothing ever (`hang`), or its connection destroyed without an answer (`drop`).
 */
export type Answer = number | { redirect: string } | { afterMs: number } | 'hang' | 'drop';

/** Answers in turn, one per call; the last one repeats. */
export function inTurn(...answers: Answer[]): () => Answer {
  let next = 0;
  return () => answers[Math.min(next++, answers.length - 1)]!;
}

/** The router's callback endpoint on 127.0.0.1: records every request, answers as the test says (204 by default). */
export class FakeRouter {
  readonly received: Received[] = [];
  answer: (message: Received) => Answer = () => 204;
  private readonly server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      let body: Received['body'] = {};
      try {
        body = JSON.parse(text) as Received['body'];
      } catch {
        // recorded as text
      }
      const message = { path: req.url ?? '/', headers: req.headers, body, text, at: Date.now() };
      this.received.push(message);
      const answer = this.answer(message);
      if (answer === 'hang') return;
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      if (typeof answer === 'object' && 'afterMs' in answer) {
        setTimeout(() => res.writeHead(204).end(), answer.afterMs);
        return;
      }
      if (typeof answer === 'object') {
        res.writeHead(302, { location: answer.redirect }).end();
        return;
      }
      res.writeHead(answer).end();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  of(id: string): Received[] {
    return this.received.filter((m) => m.body.id === id);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
