// Reference (b): the same bare passthrough on `undici.request` and a keep-alive Agent: what the
// vendor call costs with no fetch, no ky and no GraphQL.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const feyin = process.env.FEYIN_BASE_URL!;
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
const tokenAnswer = await request(`${feyin}/token?code=bench&secret=bench`, { dispatcher });
const { access_token: token } = (await tokenAnswer.body.json()) as { access_token: string };
const cancel = `${feyin}/msg/BENCH-MSG-1/cancel?access_token=${token}`;

const server = createServer(async (req, res) => {
  for await (const _ of req);
  const text = await (await request(cancel, { method: 'POST', dispatcher })).body.text();
  res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${text}}`);
});
server.listen(0, '127.0.0.1', () =>
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }),
);
