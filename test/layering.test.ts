import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const CODE = /\.(ts|mts|js|mjs|cjs)$/;

/** Which folders may not import from which: production code must run without the tests present. */
const DOMAINS = ['src/printing', 'src/pickup', 'src/logistics', 'src/fiscal'];
/** The wiring: what composes the domains into a running service. */
const WIRING = ['src/index.js', 'src/app.js', 'src/graphql/schema.js', 'src/graphql/context.js', 'src/server', 'src/sandbox'];
/** Modules every layer may use; they know no domain and no wiring. */
const FOUNDATION = ['src/errors', 'src/config.ts', 'src/graphql/validation.ts', 'src/vendor-http', 'src/observability', 'src/merchants'];

const RULES: Array<{ folders: string[]; mayNotImport: string[] }> = [
  { folders: ['scripts', 'bench'], mayNotImport: ['test'] },
  // Imports run one way: the wiring knows the domains, never the reverse, and no domain knows another.
  ...DOMAINS.map((domain) => ({ folders: [domain], mayNotImport: [...WIRING, ...DOMAINS.filter((other) => other !== domain)] })),
  { folders: ['src/store', 'src/outbox'], mayNotImport: [...WIRING, ...DOMAINS] },
  { folders: ['src/store'], mayNotImport: ['src/outbox'] },
  { folders: ['src/server'], mayNotImport: [...DOMAINS, 'src/app.js', 'src/graphql/schema.js', 'src/sandbox'] },
  { folders: FOUNDATION, mayNotImport: [...WIRING, ...DOMAINS, 'src/store', 'src/outbox'] },
  // The vendor-call machinery is the clients' alone; what observes the service knows nothing of vendor calls.
  { folders: ['src/observability'], mayNotImport: ['src/vendor-http'] },
  {
    folders: ['src/server', 'src/store', 'src/outbox', 'src/auth', 'src/sandbox', 'src/index.ts', 'src/graphql/schema.ts'],
    mayNotImport: ['src/vendor-http/vendor-transport.ts', 'src/vendor-http/vendor-body.ts', 'src/vendor-http/vendor-answer.ts'],
  },
];

/** Every code file under `folder`, as a path from the repository root. */
function codeFiles(folder: string): string[] {
  if (CODE.test(folder)) return [folder];
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => CODE.test(file))
    .map((file) => join(folder, file));
}

/** Static, dynamic and `require` imports, and files read beside the module (`new URL('./x', import.meta.url)`). */
const IMPORTS = [
  /\bfrom\s+['"]([^'"]+)['"]/g,
  /\bimport\s+['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]/g,
  /\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g,
];

function importSpecifiers(source: string): string[] {
  return IMPORTS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

/** `file`'s imports that land in one of `folders`, as `file → target`. */
function importsInto(file: string, folders: string[]): string[] {
  return importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)))
    .filter((target) => folders.some((folder) => target === folder || target.startsWith(`${folder}/`)))
    .map((target) => `${file} → ${target}`);
}

describe('layering', () => {
  for (const { folders, mayNotImport } of RULES) {
    it(`${folders.join(' and ')} import nothing from ${mayNotImport.join(' or ')}`, () => {
      const files = folders.flatMap(codeFiles);
      expect(files.length).toBeGreaterThan(0);
      expect(files.flatMap((file) => importsInto(file, mayNotImport))).toEqual([]);
    });
  }

  it('context.ts holds types only: it runs no domain code', () => {
    const source = readFileSync(join(ROOT, 'src/graphql/context.ts'), 'utf8');
    const imports = source.split('\n').filter((line) => /^import\b/.test(line));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((line) => !/^import type\b/.test(line))).toEqual([]);
    expect(source).not.toMatch(/^export (?!type|interface)/m);
  });
});
