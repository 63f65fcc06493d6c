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
      expect(await onA.recordPrinted(printed)).toBe(true);
      now += 5_000;
      expect(await onB.recordPrinted(printed)).toBe(false);
      expect(await onB.recordPrinted({ ...printed, printedAt: new Date('2026-12-05T08:00:04Z') })).toBe(false);
      expect(await onB.printedMessage('M1')).toEqual({ ...printed, updatedAt: new Date('2026-12-05T08:00:00Z') });
      expect(await onB.printedMessage('M2')).toBeUndefined();
    });

    it('records a printer status when it changes; since moves only then', async () => {
      let now = Date.parse('2026-12-05T08:00:00Z');
      const reports = new FeyinReports({ store: await stores.open(), maxAgeSec: DAY_SEC, now: () => now });
      expect(await reports.recordPrinterStatus({ deviceNo: 'D1', status: 'online', paperStatus: 'nomal' })).toBe(true);
      now += 60_000;
      expect(await reports.recordPrinterStatus({ deviceNo: 'D1', status: 'online', paperStatus: 'nomal' })).toBe(false);
      expect((await reports.printerStatus('D1'))?.since).toEqual(new Date('2026-12-05T08:00:00Z'));
      expect(await reports.recordPrinterStatus({ deviceNo: 'D1', status: 'online', paperStatus: 'lack' })).toBe(true);
      expect(await reports.printerStatus('D1')).toEqual({
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
      await reports.recordPrinted(printed);
      await reports.recordPrinterStatus({ deviceNo: 'D1', status: 'offline', paperStatus: 'lack' });
      now += 61_000;
      expect(await reports.printedMessage('M1')).toBeUndefined();
      expect(await reports.printerStatus('D1')).toBeUndefined();
      // The next write removes what expired (at most once a minute).
      expect(await reports.recordPrinted({ ...printed, msgNo: 'M2' })).toBe(true);
      expect(await store.db.selectFrom('feyin_printer_states').selectAll().execute()).toEqual([]);
      expect((await store.db.selectFrom('feyin_printed_messages').select('msg_no').execute()).map((r) => r.msg_no)).toEqual(['M2']);
      expect(await reports.recordPrinterStatus({ deviceNo: 'D1', status: 'offline', paperStatus: 'lack' })).toBe(true);
    });

    it('announces a change as entity_changed with Type:id', async () => {
      const [a, b] = [await stores.open(), await stores.open()];
      const seen: string[] = [];
      await b.listen('entity_changed', (payload) => seen.push(payload));
      await new FeyinReports({ store: a, maxAgeSec: DAY_SEC }).announce('Printer', 'D1');
      for (let i = 0; i < 100 && seen.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual(['Printer:D1']);
    });
  });
}
