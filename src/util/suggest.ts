/** "Did you mean" suggestions, ordered by edit distance as Spark's StringUtils does. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Up to `max` candidates closest to `name` (candidates may be backticked). */
export function suggestNames(name: string, candidates: readonly string[], max = 5): string[] {
  const bare = (s: string): string => s.replace(/`/g, '').toLowerCase();
  const target = name.toLowerCase();
  return [...candidates]
    .map((c, i) => ({ c, i, d: levenshtein(target, bare(c)) }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, max)
    .map((x) => x.c);
}
