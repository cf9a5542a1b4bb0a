import { DateTime } from 'luxon';
import { formatRange } from '../ingest/dates.js';
import type { Briefing, Period, SkippedFile } from '../types.js';
import { inPeriod } from './period.js';

export interface Selection {
  briefings: Briefing[];
  /** Duplicates, with the briefing they repeat. */
  skipped: SkippedFile[];
  /** Briefings dated outside the period, with their dates (counted, not listed, by default). */
  outside: SkippedFile[];
}

/** Two briefings whose title and highlights share this share of words are the same story. */
const NEAR_DUPLICATE_SIMILARITY = 0.8;

/**
 * Keeps the period's briefings, newest first, one per story: exact duplicates (same content id)
 * and near-duplicates (almost the same title and highlights) are reported, not included.
 */
export function selectBriefings(briefings: Briefing[], period: Period): Selection {
  const skipped: SkippedFile[] = [];
  const outside: SkippedFile[] = [];
  const inside: Briefing[] = [];
  for (const briefing of briefings) {
    if (inPeriod(briefing.date, period)) inside.push(briefing);
    else outside.push({ file: briefing.file, reason: outsideReason(briefing, period) });
  }
  inside.sort(newestFirst);

  const kept: Briefing[] = [];
  const keptById = new Map<string, Briefing>();
  const stories = new StoryIndex();
  for (const briefing of inside) {
    const same = keptById.get(briefing.id);
    if (same) {
      skipped.push({ file: briefing.file, reason: `duplicate of ${same.file} (same content)` });
      continue;
    }
    const words = fingerprint(briefing);
    const near = stories.findSimilar(words);
    if (near) {
      skipped.push({
        file: briefing.file,
        reason: `near-duplicate of ${near.file} (same title and highlights)`,
      });
      continue;
    }
    kept.push(briefing);
    keptById.set(briefing.id, briefing);
    stories.add(briefing, words);
  }
  return { briefings: kept, skipped, outside };
}

function newestFirst(a: Briefing, b: Briefing): number {
  return b.date.getTime() - a.date.getTime() || a.file.localeCompare(b.file);
}

function outsideReason(briefing: Briefing, period: Period): string {
  const day = DateTime.fromJSDate(briefing.date, { zone: period.timeZone }).toISODate();
  const side = briefing.date < period.start ? 'before' : 'after';
  // Weeks are named as editors ask for them; other periods by the days they cover, as labelled.
  const name = period.kind === 'week' ? period.id : formatRange(period.start, period.end, period.timeZone);
  return `outside the period: dated ${day} (${briefing.dateOrigin}), ${side} ${name}`;
}

function fingerprint(briefing: Briefing): Set<string> {
  // Words only: Markdown punctuation falls away without parsing.
  const text = [briefing.title, ...briefing.highlights].join(' ').toLowerCase();
  return new Set(text.match(/[\p{L}\p{N}]{3,}/gu) ?? []);
}

/**
 * Finds a kept story whose words are nearly the same, without comparing every pair: a near
 * duplicate shares most of its words, so it shares some of the rarer ones, and only stories
 * found through those are compared in full.
 */
class StoryIndex {
  private readonly stories: { briefing: Briefing; words: Set<string> }[] = [];
  private readonly byWord = new Map<string, number[]>();

  findSimilar(words: Set<string>): Briefing | undefined {
    const candidates = new Set<number>();
    for (const word of words) {
      const postings = this.byWord.get(word);
      if (postings && postings.length <= 64) for (const index of postings) candidates.add(index);
    }
    for (const index of candidates) {
      const story = this.stories[index];
      if (story && similarity(words, story.words) >= NEAR_DUPLICATE_SIMILARITY) return story.briefing;
    }
    return undefined;
  }

  add(briefing: Briefing, words: Set<string>): void {
    const index = this.stories.push({ briefing, words }) - 1;
    for (const word of words) {
      const postings = this.byWord.get(word);
      if (postings) postings.push(index);
      else this.byWord.set(word, [index]);
    }
  }
}

/** Jaccard similarity of two word sets. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}
