import { describe, expect, it } from 'vitest';
import { FeyinReports } from '../../src/printing/feyin-reports.js';
import { storesPerTest } from '../helpers/database.js';

const DAY_SEC = 86_400;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`Feyin callback reports (${dialect})`, () => {
    const stores = storesPerTest(dialect);

    it('records a printout once: a replay, from any replica, changes nothing', async () => {
      let now = Date.parse('2026-12-05T08:00:00Z');
      const [a, b] = [await stores.open(), await stores.open()];
      const onA = new FeyinReports({ store: a, maxAgeSec: DAY_SEC, now: () => now });
      const onB = new FeyinReports({ store: b, maxAgeSec: DAY_SEC, now: () => now });
      const printed = { msgNo: 'M1', deviceNo: 'D1', printedAt: new Date('2026-12-05T07:59:58Z') };
      expect(await onA.recordPrinted('default', printed)).toBe(true);
      now += 5_000;
      expect(await onB.recordPrinted('default', printed)).toBe(false);
      expect(await onB.recordPrinted('default', { ...printed, printedAt: new Date('2026-12-05T08:00:04Z') })).toBe(false);
      expect(await onB.printedMessage('default', 'M1')).toEqual({ ...printed, updatedAt: new Date('2026-12-05T08:00:00Z') });
      expect(await onB.printedMessage('default', 'M2')).toBeUndefined();
    });

    it('records a printer status when it changes; since moves only then', async () => {
      let now = Date.parse('2026-12-05T08:00:00Z');
      const reports = new FeyinReports({ store: await stores.open(), maxAgeSec: DAY_SEC, now: () => now });
      expect(await reports.recordPrinterStatus('default', { deviceNo: 'D1', status: 'online', paperStatus: 'nomal' })).toBe(true);
      now += 60_000;
      expect(await reports.recordPrinterStatus('default', { deviceNo: 'D1', status: 'online', paperStatus: 'nomal' })).toBe(false);
      expect((await reports.printerStatus('default', 'D1'))?.since).toEqual(new Date('2026-12-05T08:00:00Z'));
      expect(await reports.recordPrinterStatus('default', { deviceNo: 'D1', status: 'online', paperStatus: 'lack' })).toBe(true);
      expect(await reports.printerStatus('default', 'D1')).toEqual({
        deviceNo: 'D1',
        status: 'online',
        paperStatus: 'lack',
        since: new Date('2026-12-05T08:01:00Z'),
        updatedAt: new Date('2026-12-05T08:01:00Z'),
      });
    });

    it('forgets reports after ENTITY_STATE_MAX_AGE, and a new report after that is recorded again', async () => {
      let now = Date.parse('2026-12-05T08:00:00Z');
      const store = await stores.open();
      const reports = new FeyinReports({ store, maxAgeSec: 60, now: () => now });
      const printed = { msgNo: 'M1', deviceNo: 'D1', printedAt: new Date(now) };
      await reports.recordPrinted('default', printed);
      await reports.recordPrinterStatus('default', { deviceNo: 'D1', status: 'offline', paperStatus: 'lack' });
      now += 61_000;
      expect(await reports.printedMessage('default', 'M1')).toBeUndefined();
      expect(await reports.printerStatus('default', 'D1')).toBeUndefined();
      // The next write removes what expired (at most once a minute).
      expect(await reports.recordPrinted('default', { ...printed, msgNo: 'M2' })).toBe(true);
      expect(await store.db.selectFrom('feyin_printer_states').selectAll().execute()).toEqual([]);
      expect((await store.db.selectFrom('feyin_printed_messages').select('msg_no').execute()).map((r) => r.msg_no)).toEqual(['M2']);
      expect(await reports.recordPrinterStatus('default', { deviceNo: 'D1', status: 'offline', paperStatus: 'lack' })).toBe(true);
    });

    it('announces a change as entity_changed with merchant:Type:id', async () => {
      const [a, b] = [await stores.open(), await stores.open()];
      const seen: string[] = [];
      await b.listen('entity_changed', (payload) => seen.push(payload));
      await new FeyinReports({ store: a, maxAgeSec: DAY_SEC }).announce('shop-2', 'Printer', 'D1');
      for (let i = 0; i < 100 && seen.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual(['shop-2:Printer:D1']);
    });

    it("keeps each merchant's reports apart: the same msgNo and deviceNo of another merchant read as unknown", async () => {
      const reports = new FeyinReports({ store: await stores.open(), maxAgeSec: DAY_SEC });
      const printed = { msgNo: 'M1', deviceNo: 'D1', printedAt: new Date('2026-12-05T07:59:58Z') };
      expect(await reports.recordPrinted('default', printed)).toBe(true);
      expect(await reports.recordPrinterStatus('default', { deviceNo: 'D1', status: 'offline', paperStatus: 'lack' })).toBe(true);
      expect(await reports.printedMessage('shop-2', 'M1')).toBeUndefined();
      expect(await reports.printerStatus('shop-2', 'D1')).toBeUndefined();
      // The other merchant's own report of the same ids is recorded, not taken for a replay.
      expect(await reports.recordPrinted('shop-2', { ...printed, printedAt: new Date('2026-12-05T08:00:00Z') })).toBe(true);
      expect(await reports.recordPrinterStatus('shop-2', { deviceNo: 'D1', status: 'online', paperStatus: 'nomal' })).toBe(true);
      expect((await reports.printedMessage('default', 'M1'))?.printedAt).toEqual(printed.printedAt);
      expect((await reports.printerStatus('default', 'D1'))?.status).toBe('offline');
      expect((await reports.printerStatus('shop-2', 'D1'))?.status).toBe('online');
    });
  });
}
