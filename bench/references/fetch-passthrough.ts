// Reference (a): a bare node:http server that makes the same Feyin cancel with Node's global
// fetch and answers its body; no GraphQL at all. The floor the service is compared with.
import { createServer } from 'node:http';

const feyin = process.env.FEYIN_BASE_URL!;
const token = ((await (await fetch(`${feyin}/token?code=bench&secret=bench`)).json()) as { access_token: string }).access_token;
const cancel = `${feyin}/msg/BENCH-MSG-1/cancel?access_token=${token}`;

const server = createServer(async (req, res) => {
  for await (const _ of req);
  const text = await (await fetch(cancel, { method: 'POST' })).text();
  res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${text}}`);
});
server.listen(0, '127.0.0.1', () =>
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }),
);
