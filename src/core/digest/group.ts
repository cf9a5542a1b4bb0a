import type { Briefing } from '../types.js';
import { daysBetween, type Facts, factsOf, headOf } from './facts.js';

/**
 * One event, several sources: briefings that report the same event in different words become
 * one story, shown with its best-sourced briefing and a line naming the others. Two briefings
 * report the same event when they share enough specific facts (README "Grouping"):
 *
 * - dated at most `MAX_DAYS_APART` days apart, and not in different countries (when both name
 *   countries, they name one in common);
 * - when both say what kind of event they report (`fire`, `strike`, `deal`: `EVENT_KINDS`),
 *   sharing a kind: a strike and a fire at one company's mines are two events; and likewise,
 *   when both name commodities, sharing one (its cobalt output and its gallium output);
 * - when both name calendar days (`on Dec 18`), naming two within `MAX_DAYS_APART` days of each
 *   other: a company that signs one agreement in September and another in December made two;
 * - sharing at least one name (company, person, mine…), or else two figures and a country;
 * - with at least three shared names and figures, or two and also two words about what happened
 *   (`fire`, `collapse`, `profit`), which keeps a company's earnings apart from its mine accident.
 *
 * A name or figure found in more than `commonLimit(n)` briefings of the set is too common to tell
 * stories apart and does not count. Stories are the connected groups of such pairs, so the result
 * depends on the set of briefings, never on their order.
 */
export const MAX_DAYS_APART = 3;
const DAY_MS = 86_400_000;

/** A story of the issue: the briefing it shows, and the others that report the same event. */
export interface Story {
  briefing: Briefing;
  /** Best-sourced first. */
  also: Briefing[];
}

/** Why briefings were grouped: the manifest's `groups`. */
export interface StoryGroup {
  kept: string;
  also: string[];
  /** The names, figures and countries the group's briefings have in common, most shared first. */
  shared: string[];
  /** Each pair of briefings found to report the event, and what that pair shares: why each file is here. */
  links: { files: [string, string]; shared: string[] }[];
}

/** Above this many briefings, a name or figure is too common this period to identify an event. */
export function commonLimit(briefings: number): number {
  return Math.max(12, Math.ceil(briefings * 0.05));
}

/**
 * Groups briefings that report one event into stories, newest story first (by the briefing each
 * shows). Near-linear: briefings are compared only with those sharing a name or figure that is
 * not too common, found through an index by fact.
 *
 * @example
 * const { stories, groups } = groupStories(selection.briefings);
 * groups[0] // { kept: 'reuters-codelco.md', also: ['mj-chuqui.md'], shared: ['Codelco', '3%', 'Chile'] }
 */
export function groupStories(briefings: readonly Briefing[]): { stories: Story[]; groups: StoryGroup[] } {
  const facts = factsOf(briefings);
  const limit = commonLimit(briefings.length);
  const frequency = new Map<string, number>();
  const count = (key: string) => frequency.set(key, (frequency.get(key) ?? 0) + 1);
  for (const fact of facts) {
    for (const key of fact.names.keys()) count(`n:${key}`);
    for (const figure of fact.figures) count(`f:${figure}`);
    for (const word of fact.words) count(`w:${word}`);
  }
  const telling = (key: string) => {
    const seen = frequency.get(key) ?? 0;
    return seen >= 2 && seen <= limit;
  };
  const evidence = facts.map((fact) =>
    [
      ...[...fact.names.keys()].map((key) => `n:${key}`),
      ...[...fact.figures].map((key) => `f:${key}`),
    ].filter(telling),
  );
  const postings = new Map<string, number[]>();
  evidence.forEach((keys, index) => {
    for (const key of keys) {
      const list = postings.get(key);
      if (list) list.push(index);
      else postings.set(key, [index]);
    }
  });

  const groups = new UnionFind(briefings.length);
  const links: { a: number; b: number; shared: SharedFact[] }[] = [];
  const sharedKeys = new Map<number, number>();
  for (let a = 0; a < briefings.length; a++) {
    sharedKeys.clear();
    for (const key of evidence[a] ?? [])
      for (const b of postings.get(key) ?? []) if (b > a) sharedKeys.set(b, (sharedKeys.get(b) ?? 0) + 1);
    for (const [b, shared] of sharedKeys) {
      // Every link needs two names or figures in common: one is never enough.
      if (shared < 2) continue;
      const link = linkBetween(briefings, facts, a, b, telling);
      if (!link) continue;
      groups.union(a, b);
      links.push({ a, b, shared: link });
    }
  }
  return collect(briefings, groups, links);
}

/** What two briefings share if it is enough to call them one event (as shown), else undefined. */
function linkBetween(
  briefings: readonly Briefing[],
  facts: Facts[],
  a: number,
  b: number,
  telling: (key: string) => boolean,
): SharedFact[] | undefined {
  const [first, second] = [facts[a], facts[b]];
  const [left, right] = [briefings[a], briefings[b]];
  if (!first || !second || !left || !right) return undefined;
  if (Math.abs(left.date.getTime() - right.date.getTime()) > MAX_DAYS_APART * DAY_MS) return undefined;
  if (namesDaysApart(first.dates, second.dates)) return undefined;
  if (bothSayButDiffer(first.kinds, second.kinds)) return undefined;
  if (bothSayButDiffer(first.commodities, second.commodities)) return undefined;
  const places = [...first.places].filter((place) => second.places.has(place));
  if (first.places.size > 0 && second.places.size > 0 && places.length === 0) return undefined;
  const names = sharedNames(first, second, telling);
  const figures = [...first.figures].filter((figure) => second.figures.has(figure) && telling(`f:${figure}`));
  let words = 0;
  for (const word of first.words) if (second.words.has(word) && telling(`w:${word}`)) words++;
  if (!isOneEvent(names.length, figures.length, places.length, words)) return undefined;
  return [
    ...names.map((text) => ({ kind: 0, text })),
    ...figures.map((text) => ({ kind: 1, text })),
    ...places.map((text) => ({ kind: 2, text })),
  ];
}

/** True when both name some (kinds of event, commodities) and none is the same. */
function bothSayButDiffer(first: ReadonlySet<string>, second: ReadonlySet<string>): boolean {
  if (first.size === 0 || second.size === 0) return false;
  for (const kind of first) if (second.has(kind)) return false;
  return true;
}

/** True when both texts name calendar days and none of one is within `MAX_DAYS_APART` of one of the other. */
function namesDaysApart(first: ReadonlySet<number>, second: ReadonlySet<number>): boolean {
  if (first.size === 0 || second.size === 0) return false;
  for (const a of first) for (const b of second) if (daysBetween(a, b) <= MAX_DAYS_APART) return false;
  return true;
}

const byKind = (x: SharedFact, y: SharedFact) => x.kind - y.kind || (x.text < y.text ? -1 : 1);

/** A fact two briefings share; `kind` orders names (0) before figures (1) before countries (2). */
interface SharedFact {
  kind: number;
  text: string;
}

/** The rules of README "Grouping", by how many names, figures, countries and words two briefings share. */
function isOneEvent(names: number, figures: number, places: number, words: number): boolean {
  if (names >= 1 && names + figures >= 3) return true;
  if (names >= 1 && figures >= 1 && places >= 1 && words >= 1) return true;
  if (figures >= 2 && places >= 1 && words >= 1) return true;
  return names >= 1 && names + figures >= 2 && words >= 2;
}

/** Shared names, one per name however many ways it is written (`Teck` and `Teck Resources` are one). */
function sharedNames(first: Facts, second: Facts, telling: (key: string) => boolean): string[] {
  const byHead = new Map<string, string>();
  for (const [key, written] of first.names) {
    const other = second.names.get(key);
    if (other === undefined || !telling(`n:${key}`)) continue;
    const head = headOf(key);
    const shown = written < other ? written : other;
    const current = byHead.get(head);
    // The longest form both write is the clearest.
    if (current === undefined || shown.length > current.length) byHead.set(head, shown);
  }
  return [...byHead.values()];
}

function collect(
  briefings: readonly Briefing[],
  groups: UnionFind,
  links: { a: number; b: number; shared: SharedFact[] }[],
): { stories: Story[]; groups: StoryGroup[] } {
  const members = new Map<number, number[]>();
  briefings.forEach((_, index) => {
    const root = groups.find(index);
    const list = members.get(root);
    if (list) list.push(index);
    else members.set(root, [index]);
  });
  const sharedByRoot = new Map<number, Map<string, SharedFact & { links: number }>>();
  for (const link of links) {
    const root = groups.find(link.a);
    const tally = sharedByRoot.get(root) ?? new Map<string, SharedFact & { links: number }>();
    for (const fact of link.shared) {
      const entry = tally.get(fact.text) ?? { ...fact, links: 0 };
      entry.links++;
      tally.set(fact.text, entry);
    }
    sharedByRoot.set(root, tally);
  }
  const linksByRoot = new Map<number, StoryGroup['links']>();
  for (const link of links) {
    const root = groups.find(link.a);
    const files = [briefings[link.a]?.file ?? '', briefings[link.b]?.file ?? ''].sort() as [string, string];
    const list = linksByRoot.get(root) ?? [];
    list.push({ files, shared: [...link.shared].sort(byKind).map((fact) => fact.text) });
    linksByRoot.set(root, list);
  }
  const stories: (Story & Pick<StoryGroup, 'shared' | 'links'>)[] = [];
  for (const [root, indexes] of members) {
    const ranked = indexes.map((index) => briefings[index] as Briefing).sort(bestSourcedFirst);
    const [briefing, ...also] = ranked;
    if (!briefing) continue;
    const shared = [...(sharedByRoot.get(root)?.values() ?? [])].sort(
      (x, y) => y.links - x.links || x.kind - y.kind || (x.text < y.text ? -1 : 1),
    );
    const pairs = (linksByRoot.get(root) ?? []).sort((x, y) =>
      `${x.files[0]}\n${x.files[1]}` < `${y.files[0]}\n${y.files[1]}` ? -1 : 1,
    );
    stories.push({ briefing, also, shared: shared.map((fact) => fact.text), links: pairs });
  }
  stories.sort((x, y) => newestFirst(x.briefing, y.briefing));
  return {
    stories: stories.map(({ briefing, also }) => ({ briefing, also })),
    groups: stories
      .filter((story) => story.also.length > 0)
      .map((story) => ({
        kept: story.briefing.file,
        also: story.also.map((briefing) => briefing.file),
        shared: story.shared,
        links: story.links,
      })),
  };
}

/**
 * Which briefing of a group the story shows: the best-sourced, scored one point for each
 * highlight of its own (up to three; extracted sentences score nothing), one for naming its
 * source and one for a web link; then the one with more highlights, then the newest, then by
 * file name.
 */
export function bestSourcedFirst(a: Briefing, b: Briefing): number {
  const highlights = (briefing: Briefing) => Math.min(briefing.highlights.length, 3);
  const score = (briefing: Briefing) =>
    highlights(briefing) +
    (briefing.source ? 1 : 0) +
    (briefing.url && /^https?:/i.test(briefing.url) ? 1 : 0);
  return (
    score(b) - score(a) ||
    highlights(b) - highlights(a) ||
    b.date.getTime() - a.date.getTime() ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
  );
}

function newestFirst(a: Briefing, b: Briefing): number {
  return b.date.getTime() - a.date.getTime() || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}

class UnionFind {
  private readonly parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, index) => index);
  }
  find(index: number): number {
    let root = index;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    let next = index;
    while (this.parent[next] !== root) {
      const parent = this.parent[next] ?? root;
      this.parent[next] = root;
      next = parent;
    }
    return root;
  }
  union(a: number, b: number): void {
    const [rootA, rootB] = [this.find(a), this.find(b)];
    // The smaller index becomes the root, so roots do not depend on the order of unions.
    if (rootA !== rootB) this.parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
  }
}
