// The vendor simulators in their own process, so the benchmark measures the service, not
// the simulators sharing its event loop. Controlled over the IPC channel of fork().
import type { SimulatedRequest } from '../src/sandbox/sandbox-http.js';
import { sandboxEnv, startSandbox } from '../src/sandbox/index.js';

const running = await startSandbox();
const { sandbox, simulators } = running;
// Feyin lets the benchmark cancel the same queued message again and again (errcode 0).
for (let i = 0; i < 10; i += 1) {
  simulators.feyin.printers.set(`48000000000000${String(i).padStart(2, '0')}`, {
    status: 'online',
    paperStatus: 'nomal',
    since: Date.now(),
    lastConnectedAt: Date.now(),
  });
}
simulators.feyin.addMessage('BENCH-MSG-1');

// Feyin's message status reads, counted here: the sandbox keeps only its last 1,000 requests.
let messageStatusReads = 0;
const handle = simulators.feyin.handle.bind(simulators.feyin);
simulators.feyin.handle = (request: SimulatedRequest) => {
  if (request.method === 'GET' && /^\/msg\/[^/]+\/status$/.test(request.path)) messageStatusReads += 1;
  return handle(request);
};

process.on('message', (message: { type: string; msgNos?: string[] }) => {
  if (message.type === 'feyin-calls') {
    process.send!({ type: 'feyin-calls', calls: sandbox.requestsTo('/feyin').filter((r) => r.path !== '/token').length });
  } else if (message.type === 'feyin-tokens') {
    process.send!({ type: 'feyin-tokens', issued: simulators.feyin.tokensIssued });
  } else if (message.type === 'add-messages') {
    // Queued messages on the seed's online printer, for the subscriptions bench to watch.
    for (const msgNo of message.msgNos ?? []) simulators.feyin.addMessage(msgNo);
    process.send!({ type: 'add-messages' });
  } else if (message.type === 'message-status-reads') {
    process.send!({ type: 'message-status-reads', reads: messageStatusReads });
  } else if (message.type === 'reset') {
    sandbox.requests.length = 0;
    process.send!({ type: 'reset' });
  }
});
process.send!({ type: 'ready', url: sandbox.url, env: sandboxEnv(running) });
