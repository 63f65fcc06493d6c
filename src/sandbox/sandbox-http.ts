import type { IncomingMessage, ServerResponse } from 'node:http';
import { send as sendText, sendJson } from '../http/http-body.js';

export { readLimited } from '../http/http-body.js';

/** A request as a simulator sees it: the path below the simulator's prefix, the raw body text. */
export interface SimulatedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimulatedResponse {
  status?: number;
  json?: unknown;
  text?: string;
}

export interface Simulator {
  /** URL prefix, e.g. `/feyin`. */
  readonly prefix: string;
  handle(request: SimulatedRequest): SimulatedResponse | Promise<SimulatedResponse>;
  /** Stops the simulator's own timers (e.g. scheduled callbacks) when the sandbox closes. */
  close?(): void;
}

export function send(res: ServerResponse, answer: SimulatedResponse): void {
  if (answer.json !== undefined) sendJson(res, answer.status ?? 200, answer.json);
  else sendText(res, answer.status ?? 200, answer.text ?? '', 'text/plain; charset=utf-8');
}

/** A JSON body that is an object (not an array, not null), or undefined: the vendor's "bad format" case. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a PhalApi/HTML-form style body or a JSON body into a flat record of strings. */
export function parseFormOrJson(request: SimulatedRequest): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(request.body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(request.body));
}
