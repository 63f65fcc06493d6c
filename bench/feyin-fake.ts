// A constant-cost Feyin for the side-by-side runs: every system under test makes the same
// cancel call against it, and it does the same tiny work for each (no state, no request log).
// Forked by the bench; reports its URL over IPC, and how many tokens it issued when asked.
import { createServer } from 'node:http';

const CANCELLED = JSON.stringify({ errcode: 0, errmsg: 'ok' });
const TOKEN = JSON.stringify({ access_token: 'bench-feyin-token', expires_in: 7200 });
let tokensIssued = 0;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const token = req.url!.startsWith('/token');
    if (token) tokensIssued += 1;
    const body = token ? TOKEN : CANCELLED;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'feyin-tokens') process.send!({ type: 'feyin-tokens', issued: tokensIssued });
});
