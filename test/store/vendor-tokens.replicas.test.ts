import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelOrderDocument, CancelPrintMessageDocument } from '../__generated__/graphql.js';
import { sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';

const REPLICAS = 3;
const CANCELS = 240;

/**
 * Three real service processes on one PostgreSQL against one set of simulators, whose Feyin
 * invalidates an account's previous token on every fetch: the replicas must share one token.
 */
describe('vendor tokens shared by three replicas (real processes, PostgreSQL)', () => {
  let running: RunningSandbox;
  let database: TestDatabase;
  let replicas: ChildService[] = [];

  beforeAll(async () => {
    running = await startSandbox();
    database = await freshDatabase();
    // Started together, as a rolling deploy or a scale-up would: the migrations race too.
    const starting = Array.from({ length: REPLICAS }, () =>
      spawnService({
        VENDOR_MODE: 'live',
        AUTH_DISABLED: 'true',
        DATABASE_URL: database.url,
        VENDOR_TIMEOUT_MS: '5000',
        ...sandboxEnv(running),
      }),
    );
    const started = await Promise.allSettled(starting);
    replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await running?.sandbox.close();
    await database?.drop();
  });

  /** `CANCELS` cancels of fresh messages, all at once, round-robin over the replicas. */
  const cancelBurst = async (prefix: string) => {
    const ids = Array.from({ length: CANCELS }, (_, i) => `${prefix}-${i}`);
    for (const id of ids) running.simulators.feyin.addMessage(id);
    running.sandbox.requests.length = 0; // the simulators keep the last 1,000 requests: count this burst's
    const answers = await Promise.all(ids.map((msgNo, i) => replicas[i % REPLICAS]!.gql(CancelPrintMessageDocument, { msgNo })));
    expect(answers.filter((answer) => answer.errors).map((answer) => answer.errors)).toEqual([]);
    expect(answers.every((answer) => answer.data?.cancelPrintMessage.cancelled === true)).toBe(true);
    expect(ids.every((id) => running.simulators.feyin.messages.get(id)?.status === 'cancelled')).toBe(true);
  };
  /** The access token of each cancel call in this burst, in order. */
  const cancelTokens = () =>
    running.sandbox
      .requestsTo('/feyin')
      .filter((request) => request.path.endsWith('/cancel'))
      .map((request) => request.query.get('access_token'));
  const tokenFetches = () => running.sandbox.requestsTo('/feyin').filter((request) => request.path === '/token').length;

  it('many concurrent cancels over the replicas cost exactly one Feyin token fetch', async () => {
    await cancelBurst('REPLICA-BURST');
    expect(running.simulators.feyin.tokensIssued).toBe(1);
    expect(tokenFetches()).toBe(1);
  });

  it('a token Feyin revokes is renewed exactly once for all replicas, and no cancel fails', async () => {
    expect(running.simulators.feyin.tokensIssued).toBe(1);
    const revoked = cancelTokens()[0];
    running.simulators.feyin.revokeTokens();
    await cancelBurst('REPLICA-REVOKED');
    expect(running.simulators.feyin.tokensIssued).toBe(2);
    expect(tokenFetches()).toBe(1);
    // The replicas met the revoked token (40014), then all used the one renewed token.
    const used = cancelTokens();
    expect(used.filter((token) => token === revoked).length).toBeGreaterThanOrEqual(REPLICAS);
    expect(new Set(used.filter((token) => token !== revoked)).size).toBe(1);
  });

  it('APIUSB token exchange is shared the same way: one ApplyToken for every replica', async () => {
    const orders = Array.from({ length: 30 }, (_, i) => ({ orderId: `REPLICA-ORDER-${i}`, taskId: `TASK-${i}` }));
    for (const order of orders) running.simulators.apiusb.addOrder(order.orderId, { taskId: order.taskId });
    const answers = await Promise.all(
      orders.map((order, i) => replicas[i % REPLICAS]!.gql(CancelOrderDocument, { ...order, reason: 'replicas' })),
    );
    expect(answers.filter((answer) => answer.errors).map((answer) => answer.errors)).toEqual([]);
    expect(running.simulators.apiusb.tokensIssued).toBe(1);
  });
});
