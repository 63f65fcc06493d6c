import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { graphiqlPage } from '../src/server/graphiql.js';

const page = graphiqlPage({
  endpoint: '/graphql',
  assetsPath: '/graphql/assets',
  examples: [{ name: 'PrinterStatus', query: '{ printer(deviceNo: "P-1") { status } }' }],
});

/** The page's inline scripts that run (a JSON data block is not one). */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter(([, attributes]) => !/type="application\/json"/.test(attributes!))
    .map(([, , code]) => code!);
}

/** The element text of `<script id="…">` in the page, as the browser's getElementById would find it. */
function elementText(html: string, id: string): string | undefined {
  return new RegExp(`<script id="${id}"[^>]*>([\\s\\S]*?)</script>`).exec(html)?.[1];
}

interface Run {
  fetcher(params: { query: string; operationName?: string }, opts?: object): Promise<unknown>;
  sockets: string[];
  posts: string[];
}

/** Runs the page's script in its own realm with React, GraphiQL, graphql-ws and fetch as stand-ins, and hands back the fetcher GraphiQL got. */
function runPageScript(code: string): Run {
  const sockets: string[] = [];
  const posts: string[] = [];
  let props: { fetcher?: Run['fetcher'] } = {};
  const context = vm.createContext({
    URL,
    location: { href: 'http://127.0.0.1:4001/graphql' },
    document: { getElementById: (id: string) => ({ id, textContent: elementText(page, id) }) },
    React: { createElement: (_component: unknown, given: typeof props) => (props = given) },
    ReactDOM: { createRoot: () => ({ render: () => undefined }) },
    GraphiQL: function GraphiQL() {},
    graphqlWs: {
      createClient: (options: { url: string }) => ({
        async *iterate() {
          sockets.push(options.url);
          yield { data: { over: 'ws' } };
        },
        dispose: () => undefined,
      }),
    },
    fetch: async (url: string) => {
      posts.push(url);
      return { json: async () => ({ data: { over: 'post' } }) };
    },
  });
  new vm.Script(code, { filename: 'graphiql-page.js' }).runInContext(context);
  if (!props.fetcher) throw new Error('the page script rendered no GraphiQL with a fetcher');
  return { fetcher: props.fetcher, sockets, posts };
}

/** Which way the fetcher sent an operation: an async iterable is the WebSocket, a promise of JSON is POST. */
async function transportOf(run: Run, params: { query: string; operationName?: string }, opts: object = {}): Promise<string> {
  const result = await run.fetcher(params, opts);
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    for await (const event of result as AsyncIterable<{ data: { over: string } }>) return event.data.over;
  }
  return (result as { data: { over: string } }).data.over;
}

describe('the GraphiQL page script', () => {
  it('keeps the backslashes of its regular expression', () => {
    expect(page).toContain(String.raw`/^\s*subscription\b/m`);
    expect(page).not.toContain('/^s*subscription');
    // No control character (a lost `\b` is a backspace).
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('is one inline script that compiles', () => {
    const scripts = inlineScripts(page);
    expect(scripts).toHaveLength(1);
    expect(() => new vm.Script(scripts[0]!, { filename: 'graphiql-page.js' })).not.toThrow();
  });

  it('sends a subscription over the WebSocket and anything else with POST, when GraphiQL gives no parsed document', async () => {
    const run = runPageScript(inlineScripts(page)[0]!);
    const subscription =
      '\n  # watch one message\n  # until it is printed\n  subscription Watch { printMessageUpdated(msgNo: "1") { status } }';
    expect(await transportOf(run, { query: subscription })).toBe('ws');
    expect(await transportOf(run, { query: 'subscription{printerUpdated(deviceNo: "P-1") { status }}' })).toBe('ws');
    expect(run.sockets).toEqual(['ws://127.0.0.1:4001/graphql', 'ws://127.0.0.1:4001/graphql']);

    expect(await transportOf(run, { query: '{ printer(deviceNo: "subscription") { status } }' })).toBe('post');
    expect(await transportOf(run, { query: '# not a subscription\nquery Q { printer(deviceNo: "P-1") { status } }' })).toBe('post');
    expect(await transportOf(run, { query: 'subscriptions { x }' })).toBe('post');
    expect(await transportOf(run, { query: 'mutation { cancelPrintMessage(msgNo: "1") { cancelled } }' })).toBe('post');
    expect(run.posts).toEqual(['/graphql', '/graphql', '/graphql', '/graphql']);
  });

  it("follows GraphiQL's parsed document when there is one: the chosen operation decides", async () => {
    const run = runPageScript(inlineScripts(page)[0]!);
    const documentAST = {
      definitions: [
        { kind: 'OperationDefinition', operation: 'subscription', name: { value: 'Watch' } },
        { kind: 'OperationDefinition', operation: 'query', name: { value: 'Look' } },
      ],
    };
    const query = 'subscription Watch { printerUpdated(deviceNo: "P-1") { status } }\nquery Look { printer(deviceNo: "P-1") { status } }';
    expect(await transportOf(run, { query, operationName: 'Look' }, { documentAST })).toBe('post');
    expect(await transportOf(run, { query, operationName: 'Watch' }, { documentAST })).toBe('ws');
  });
});
