// `tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [count]`: what grew between two
// V8 heap snapshots (each taken after a full GC), by constructor, as self size and object count,
// per `count` (e.g. per subscription). `BENCH_HEAP_SNAPSHOTS=1 npm run bench:subscriptions`
// writes such a pair of the service to bench/profile/: with sockets open, and with every
// subscription open and idle.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per `type:name`. */
function byConstructor(file: string): Map<string, { size: number; count: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    // Strings and code by their type only: their names are their contents.
    const name = type === 'object' || type === 'closure' || type === 'native' ? heap.strings[heap.nodes[i + nameAt]!]!.slice(0, 60) : '';
    const key = `${type}:${name}`;
    const entry = totals.get(key) ?? { size: 0, count: 0 };
    entry.size += heap.nodes[i + sizeAt]!;
    entry.count += 1;
    totals.set(key, entry);
  }
  return totals;
}

const [beforeFile, afterFile, countText] = process.argv.slice(2);
if (!beforeFile || !afterFile) throw new Error('usage: tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [count]');
const count = Number(countText ?? 1);
const before = byConstructor(beforeFile);
const after = byConstructor(afterFile);
const rows = [...after].map(([key, { size, count: objects }]) => {
  const was = before.get(key) ?? { size: 0, count: 0 };
  return { key, bytes: size - was.size, objects: objects - was.count };
});
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
rows.sort((a, b) => b.bytes - a.bytes);
console.log(`heap growth: ${(total / 1024 / 1024).toFixed(1)} MB, ${Math.round(total / count)} bytes per ${count === 1 ? 'run' : 'item'}`);
console.table(
  rows.slice(0, 40).map((row) => ({
    constructor: row.key,
    'bytes per item': Math.round(row.bytes / count),
    'objects per item': Math.round((row.objects / count) * 100) / 100,
    share: `${((row.bytes / total) * 100).toFixed(1)} %`,
  })),
);
