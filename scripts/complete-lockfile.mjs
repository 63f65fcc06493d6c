// The registry this project's machines reach serves only the platform packages they use,
// so npm leaves other platforms' optional packages (e.g. @rollup/rollup-darwin-arm64) out
// of package-lock.json, and npm 11's `npm ci` then refuses the lockfile as out of sync.
// This adds the missing optional entries by name and version; npm skips them on install
// where they do not fit or cannot be fetched. Run it after changing dependencies:
// `npm run lock`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const added = [];
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    added.push(`${name}@${version}`);
  }
}
// npm orders entries by localeCompare in English, not by code point: sort the same way, or the
// next plain `npm install` rewrites the lockfile.
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} optional entries: ${added.join(', ')}` : 'lockfile already complete');
