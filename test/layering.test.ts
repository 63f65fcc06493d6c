import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const CODE = /\.(ts|mts|js|mjs|cjs)$/;

/** Which folders may not import from which: production code must run without the tests present. */
const DOMAINS = ['src/printing', 'src/pickup', 'src/logistics', 'src/fiscal'];
/** The GraphQL assembly: the domains' parts made into one schema, and the context type they add up to. */
const ASSEMBLY = ['src/graphql/schema.ts', 'src/graphql/context.ts', 'src/graphql/service-sdl.ts'];
/** The wiring: what composes the domains into a running service. */
const WIRING = ['src/index.ts', 'src/app.ts', ...ASSEMBLY, 'src/server', 'src/sandbox'];
/** What a domain plugs into the GraphQL assembly and builds its resolvers on: it knows no domain. */
const DOMAIN_CONTRACT = ['src/graphql/domain.ts', 'src/graphql/scalars.ts', 'src/graphql/validation.ts', 'src/graphql/batch.ts'];
/** Modules every layer may use; they know no domain and no wiring. */
const FOUNDATION = [
  'src/errors',
  'src/config.ts',
  ...DOMAIN_CONTRACT,
  'src/http',
  'src/vendor-http',
  'src/observability',
  'src/merchants',
  'src/auth',
];

const RULES: Array<{ folders: string[]; mayNotImport: string[] }> = [
  { folders: ['scripts', 'bench'], mayNotImport: ['test'] },
  // Imports run one way: the wiring knows the domains, never the reverse, and no domain knows another.
  ...DOMAINS.map((domain) => ({ folders: [domain], mayNotImport: [...WIRING, ...DOMAINS.filter((other) => other !== domain)] })),
  { folders: ['src/store', 'src/outbox', 'src/live'], mayNotImport: [...WIRING, ...DOMAINS] },
  { folders: ['src/store'], mayNotImport: ['src/outbox', 'src/live'] },
  { folders: ['src/server'], mayNotImport: [...DOMAINS, 'src/app.ts', ...ASSEMBLY, 'src/sandbox'] },
  { folders: FOUNDATION, mayNotImport: [...WIRING, ...DOMAINS, 'src/store', 'src/outbox', 'src/live'] },
  // The vendor-call machinery is the clients' alone; what observes the service knows nothing of vendor calls.
  { folders: ['src/observability'], mayNotImport: ['src/vendor-http'] },
  {
    folders: ['src/server', 'src/store', 'src/outbox', 'src/auth', 'src/sandbox', 'src/index.ts', 'src/graphql'],
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

/** Static, dynamic and `require` imports (`export … from` too). */
const IMPORTS = [
  /\bfrom\s+['"]([^'"]+)['"]/g,
  /\bimport\s+['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]/g,
];
/** Files read beside the module (`new URL('./x', import.meta.url)`): a dependency, though not an import. */
const READ_BESIDE = /\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g;

function specifiers(source: string, patterns: RegExp[]): string[] {
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

/** A relative specifier of `file` → the file it names, from the root: `./x.js` is `x.ts` when that is the source, a folder its `index.ts`. */
function target(file: string, specifier: string): string {
  const path = relative(ROOT, resolve(ROOT, dirname(file), specifier));
  const source = path.replace(/\.(m|c)?js$/, '.$1ts');
  if (source !== path && existsSync(join(ROOT, source))) return source;
  if (existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isDirectory() && existsSync(join(ROOT, path, 'index.ts'))) {
    return join(path, 'index.ts');
  }
  return path;
}

/** The files `file` imports (and, with `readBeside`, reads beside itself) by relative path. */
function dependencies(file: string, readBeside: boolean): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return specifiers(source, readBeside ? [...IMPORTS, READ_BESIDE] : IMPORTS)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => target(file, specifier));
}

/** `file`'s imports that land in one of `folders`, as `file → target`. */
function importsInto(file: string, folders: string[]): string[] {
  return dependencies(file, true)
    .filter((to) => folders.some((folder) => to === folder || to.startsWith(`${folder}/`)))
    .map((to) => `${file} → ${to}`);
}

/**
 * The import cycles of `graph` (module → the modules it imports): each strongly connected
 * component of more than one module, or a module that imports itself, sorted (Tarjan's algorithm).
 */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (module: string): void => {
    index.set(module, index.size);
    low.set(module, index.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(module, Math.min(low.get(module)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(module, Math.min(low.get(module)!, index.get(next)!));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1 || graph.get(module)!.includes(module)) cycles.push(component.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('layering', () => {
  for (const { folders, mayNotImport } of RULES) {
    it(`${folders.join(' and ')} import nothing from ${mayNotImport.join(' or ')}`, () => {
      const files = folders.flatMap(codeFiles);
      expect(files.length).toBeGreaterThan(0);
      expect(files.flatMap((file) => importsInto(file, mayNotImport))).toEqual([]);
    });
  }

  it('the src/ root holds only the entry, the wiring and the configuration', () => {
    const files = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((entry) => !entry.isDirectory());
    expect(files.map((entry) => entry.name).sort()).toEqual(['app.ts', 'config.ts', 'index.ts']);
  });

  it('graphql/context.ts holds types only: it runs no domain code', () => {
    const source = readFileSync(join(ROOT, 'src/graphql/context.ts'), 'utf8');
    const imports = source.split('\n').filter((line) => /^import\b/.test(line));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((line) => !/^import type\b/.test(line))).toEqual([]);
    expect(source).not.toMatch(/^export (?!type|interface)/m);
  });

  it('finds every import cycle of a graph, and none in a graph without one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', ['e']],
      ['e', []],
      ['f', ['f']],
      ['g', ['h', 'outside']],
      ['h', ['g']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c'], ['f'], ['g', 'h']]);
    const diamond = new Map([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['c', ['d']],
      ['d', []],
    ]);
    expect(importCycles(diamond)).toEqual([]);
  });

  it('src/ has no import cycle, type-only imports included', () => {
    const modules = codeFiles('src');
    const graph = new Map(modules.map((file) => [file, dependencies(file, false)]));
    expect(graph.size).toBeGreaterThan(50);
    expect([...graph.values()].flat()).toContain('src/merchants/merchants-file.ts');
    expect(importCycles(graph)).toEqual([]);
  });
});
