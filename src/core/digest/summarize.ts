import { createHash } from 'node:crypto';
import { formatRange } from '../ingest/dates.js';
import { inlineToPlain, truncateInline } from '../ingest/inline.js';
import { characterCount, splitSentences, truncateAtWord } from '../ingest/text.js';
import type { Briefing, Digest, DigestItem, Period, SkippedFile } from '../types.js';
import { weekNumberOf } from './period.js';

export const HIGHLIGHTS_PER_ITEM = 3;
export const HIGHLIGHT_MAX = 280;
export const SUBJECT_MAX = 78;
export const PREHEADER_MAX = 110;
const NOTE_MAX = 300;
/** How many items an issue shows in full unless the settings or the issue file say otherwise. */
export const DEFAULT_MAX_ITEMS = 12;

/** What an editor set for this issue (the issue file): each replaces what would be made. */
export interface Editorial {
  subject?: string;
  preheader?: string;
  intro?: string;
  maxItems?: number;
}

/**
 * Turns the selected briefings into the digest, in the order given: items with their highlights
 * and the other sources of their event, subject, preheader.
 */
export function summarize(input: {
  briefings: Briefing[];
  /** Other briefings of the same event, by the file of the briefing each story shows. */
  alsoReportedBy?: ReadonlyMap<string, readonly Briefing[]>;
  skipped: SkippedFile[];
  period: Period;
  newsletterName: string;
  editorial?: Editorial;
}): Digest {
  const items = input.briefings.map((briefing) => toItem(briefing, input.alsoReportedBy?.get(briefing.file)));
  const editorial = input.editorial ?? {};
  return {
    issueId: issueIdFor(input.period, items),
    period: input.period,
    subject: editorial.subject ?? subjectFor(items, input.period, input.newsletterName),
    preheader: editorial.preheader ?? preheaderFor(items),
    items,
    skipped: input.skipped,
    ...(editorial.intro ? { intro: editorial.intro } : {}),
    ...(editorial.maxItems ? { maxItems: editorial.maxItems } : {}),
  };
}

/**
 * The ledger keys deliveries on the issue id, so it must name exactly this issue: a week or a
 * date range names itself; "everything on file" is named by what it contains.
 */
function issueIdFor(period: Period, items: DigestItem[]): string {
  if (period.kind !== 'all') return period.id;
  const hash = createHash('sha256')
    .update(items.map((item) => item.id).join(','))
    .digest('hex');
  return `all-${hash.slice(0, 12)}`;
}

/**
 * One briefing as the digest shows it: up to three highlights (or extracted sentences), its note,
 * and the other briefings that report its event.
 */
export function toItem(briefing: Briefing, also: readonly Briefing[] = []): DigestItem {
  const given = briefing.highlights.slice(0, HIGHLIGHTS_PER_ITEM);
  const extracted = given.length === 0;
  const highlights = (extracted ? extractKeySentences(briefing.paragraphs, briefing.title) : given).map(
    (text) => truncateInline(text, HIGHLIGHT_MAX),
  );
  return {
    id: briefing.id,
    file: briefing.file,
    title: briefing.title,
    date: briefing.date,
    ...(briefing.source ? { source: briefing.source } : {}),
    ...(briefing.url ? { url: briefing.url } : {}),
    tags: briefing.tags,
    highlights,
    summary: extracted ? 'extracted' : 'highlights',
    ...(briefing.disclaimer ? { note: truncateInline(briefing.disclaimer, NOTE_MAX) } : {}),
    alsoReportedBy: also.map((other) => ({
      file: other.file,
      ...(other.source ? { source: other.source } : {}),
      ...(other.url ? { url: other.url } : {}),
    })),
  };
}

// Sentences that are about the page, not the news.
const BOILERPLATE =
  /\b(?:click|subscribe|sign up|newsletter|cookies?|privacy policy|terms of (?:use|service)|all rights reserved|read more|share this|follow us|advertis\w*|this (?:article|post|story) (?:was|is|first)|photo:|image:|credit:)\b/i;

/**
 * For a briefing without highlights: its 2–3 most informative sentences, in reading order.
 * Informative means a real sentence (not a fragment or boilerplate), early in the text,
 * carrying names and figures, and about what the title is about.
 */
export function extractKeySentences(paragraphs: string[], title: string): string[] {
  const titleWords = new Set(words(title));
  const candidates = paragraphs
    .flatMap((paragraph) => splitSentences(paragraph))
    .map((sentence, position) => ({
      sentence,
      position,
      score: informativeness(sentence, position, titleWords),
    }));
  const usable = candidates.filter((candidate) => candidate.score > 0);
  const pool = usable.length > 0 ? usable : candidates.slice(0, 2);
  const count = Math.min(3, pool.length);
  return [...pool]
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, count)
    .sort((a, b) => a.position - b.position)
    .map((candidate) => candidate.sentence);
}

function informativeness(sentence: string, position: number, titleWords: Set<string>): number {
  const plain = inlineToPlain(sentence);
  const length = characterCount(plain);
  if (length < 40 || BOILERPLATE.test(plain) || !/[.!?"”’)]$/u.test(plain)) return 0;
  const sentenceWords = words(plain);
  const names = (plain.slice(1).match(/(?<![.!?]\s)\b\p{Lu}\p{L}+/gu) ?? []).length;
  const figures = (plain.match(/\d/g) ?? []).length > 0 ? 1 : 0;
  const aboutTitle =
    sentenceWords.filter((word) => titleWords.has(word)).length / Math.max(1, titleWords.size);
  const lengthFit = length >= 60 && length <= HIGHLIGHT_MAX ? 1 : 0.5;
  return (
    (1 + Math.min(names, 6) * 0.25 + figures * 0.5 + aboutTitle * 2) * lengthFit * (1 / (1 + position * 0.15))
  );
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [];
}

/** `Week 47: Baogang and Tsinghua sign rare earth pact (+3 more)`, within 78 characters. */
function subjectFor(items: DigestItem[], period: Period, newsletterName: string): string {
  const week = weekNumberOf(period);
  const label =
    week !== undefined
      ? `Week ${week}`
      : period.kind === 'range'
        ? formatRange(period.start, period.end, period.timeZone)
        : newsletterName;
  const top = items[0];
  if (!top) return truncateAtWord(`${label}: no briefings this time`, SUBJECT_MAX);
  const more = items.length > 1 ? ` (+${items.length - 1} more)` : '';
  const room = SUBJECT_MAX - characterCount(`${label}: ${more}`);
  return truncateAtWord(`${label}: ${truncateAtWord(top.title, Math.max(room, 20))}${more}`, SUBJECT_MAX);
}

/** The inbox preview line: what else is inside, or the top story's first highlight. */
function preheaderFor(items: DigestItem[]): string {
  const [top, ...rest] = items;
  if (!top) return '';
  const text =
    rest.length > 0
      ? `Also: ${rest.map((item) => item.title).join(' · ')}`
      : inlineToPlain(top.highlights[0] ?? top.title);
  return truncateAtWord(text, PREHEADER_MAX);
}
