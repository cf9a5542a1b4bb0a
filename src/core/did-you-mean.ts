/**
 * The closest of `names` to a misspelt `name`, for "did you mean" hints: the same letters
 * ignoring case and `_`/`-` (`DIGEST_TIMEZONE` → `DIGEST_TIME_ZONE`), else at most two edits.
 *
 * @example
 * closestName('timezone', ['timeZone', 'out']) // 'timeZone'
 */
export function closestName(name: string, names: readonly string[]): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const exact = names.find((candidate) => plain(candidate) === plain(name));
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(plain(name), plain(candidate));
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
