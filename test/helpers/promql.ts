/** A vector selector in a PromQL expression: the metric name and its `{…}` matchers as written (without braces). */
export interface VectorSelector {
  metric: string;
  matchers: string;
}

/** Words that are never metric names where they stand (binary operators, modifiers, grouping, literals). */
const KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'bool', 'offset', 'inf', 'nan', 'group_left', 'group_right']);
/** Followed by a parenthesised label list, not by an expression. */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Aggregation operators may put `by (…)`/`without (…)` between their name and their `(`. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/**
 * The vector selectors of a PromQL expression, read with a small scanner: string literals,
 * `[…]` ranges, numbers and durations are skipped; an identifier followed by `(` is a function or
 * an aggregation; label lists after by/without/on/ignoring/group_left/group_right and label
 * names inside `{…}` are not metric names. A selector written as `{__name__=…}` alone has no
 * metric name and is not returned.
 */
export function vectorSelectors(expr: string): VectorSelector[] {
  const found: VectorSelector[] = [];
  let i = 0;
  let last: VectorSelector | undefined; // the selector a following `{…}` belongs to
  const skipSpace = (from: number) => {
    let j = from;
    while (j < expr.length && /\s/.test(expr[j]!)) j++;
    return j;
  };
  /** Index just past the closing `close`, skipping string literals on the way. */
  const skipTo = (from: number, close: string) => {
    let j = from;
    while (j < expr.length && expr[j] !== close) j = /["'`]/.test(expr[j]!) ? skipString(j) : j + 1;
    return j + 1;
  };
  const skipString = (from: number) => {
    const quote = expr[from]!;
    let j = from + 1;
    while (j < expr.length && expr[j] !== quote) j += expr[j] === '\\' && quote !== '`' ? 2 : 1;
    return j + 1;
  };
  while (i < expr.length) {
    const char = expr[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '#') {
      i = expr.indexOf('\n', i) === -1 ? expr.length : expr.indexOf('\n', i);
      continue;
    }
    if (/["'`]/.test(char)) {
      i = skipString(i);
      last = undefined;
      continue;
    }
    if (char === '{') {
      const end = skipTo(i + 1, '}');
      if (last) last.matchers = expr.slice(i + 1, end - 1);
      last = undefined;
      i = end;
      continue;
    }
    if (char === '[') {
      i = skipTo(i + 1, ']');
      continue;
    }
    const number = /^(?:\d|\.\d)[\w.]*/.exec(expr.slice(i));
    if (number) {
      i += number[0].length;
      last = undefined;
      continue;
    }
    const word = /^[A-Za-z_:][\w:]*/.exec(expr.slice(i));
    if (!word) {
      i++;
      last = undefined;
      continue;
    }
    const name = word[0];
    i += name.length;
    last = undefined;
    const next = skipSpace(i);
    if (GROUPING.has(name) && expr[next] === '(') {
      i = skipTo(next + 1, ')');
      continue;
    }
    if (KEYWORDS.has(name) || GROUPING.has(name) || expr[next] === '(') continue;
    if (AGGREGATIONS.has(name) && /^(by|without)\b/.test(expr.slice(next))) continue;
    last = { metric: name, matchers: '' };
    found.push(last);
  }
  return found;
}

/** A metric name from `/metrics`'s `# TYPE` lines: its type (counter, gauge, histogram, summary, untyped). */
export type ExportedMetrics = Map<string, string>;

export function exportedMetrics(exposition: string): ExportedMetrics {
  const types: ExportedMetrics = new Map();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}

/**
 * The metric names `expr` reads that are neither exported (a `# TYPE` line, or a histogram's
 * `_bucket`/`_sum`/`_count`, a summary's `_sum`/`_count`) nor in `alsoKnown` (`up`, recording rules).
 */
export function unknownMetrics(expr: string, exported: ExportedMetrics, alsoKnown: Iterable<string> = []): string[] {
  const known = new Set(alsoKnown);
  const isExported = (name: string) => {
    if (exported.has(name)) return true;
    const series = /^(.+)_(bucket|sum|count)$/.exec(name);
    if (!series) return false;
    const type = exported.get(series[1]!);
    return type === 'histogram' || (type === 'summary' && series[2] !== 'bucket');
  };
  const names = vectorSelectors(expr).map((selector) => selector.metric);
  return [...new Set(names.filter((name) => !known.has(name) && !isExported(name)))];
}
