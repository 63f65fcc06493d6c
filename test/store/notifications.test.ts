import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storesPerTest } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

describe.each(['sqlite', 'postgres'] as const)('store notifications (%s)', (dialect) => {
  const logs = new LogCapture();
  const { open, opened } = storesPerTest(dialect, { logger: logs.logger });

  it('a notification on one connection reaches the listeners of another, on its channel only, until they stop', async () => {
    const [sender, receiver] = [await open(), await open()];
    const heard: string[] = [];
    const other: string[] = [];
    const unlisten = await receiver.listen('outbox_test', (payload) => heard.push(payload));
    await receiver.listen('outbox_other', (payload) => other.push(payload));
    await sender.notify('outbox_test', '2026-01-01T00:00:00.000Z');
    await eventually(() => heard.length === 1, { what: 'the notification' });
    expect(heard).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(other).toEqual([]);

    await unlisten();
    await sender.notify('outbox_test', 'after');
    await sender.notify('outbox_other', 'marker');
    await eventually(() => other.length === 1, { what: 'the marker' });
    expect(heard).toHaveLength(1);
    await expect(sender.notify('not a channel; drop table x', '')).rejects.toThrow(/invalid notification channel/);
  });

  it.runIf(dialect === 'postgres')('a lost LISTEN connection comes back, says so, and hears notifications again', async () => {
    const [sender, receiver] = [await open(), await open()];
    const heard: string[] = [];
    await receiver.listen('outbox_test', (payload) => heard.push(payload));
    // What a database restart does to the listening session.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN%' and pid <> pg_backend_pid()`.execute(
      sender.db,
    );
    await eventually(() => heard.includes(''), { what: 'the "look again" call after the reconnect' });
    await sender.notify('outbox_test', 'after the reconnect');
    await eventually(() => heard.includes('after the reconnect'), { what: 'a notification after the reconnect' });
    expect(logs.text).toContain('store: LISTEN connection lost');
    expect(logs.text).toContain('store: LISTEN connection back');
  });
});
