import type { ParsedBriefing } from '../../types.js';
import { cleanInline } from '../clean.js';

/**
 * Line-level vocabulary shared by the text and Markdown parsers. Lines come in with their
 * white space already collapsed (`collapseSpaces`), once, by the caller.
 */

const HIGHLIGHTS_HEADING =
  /^(?:#{1,6}\s*)?(?:\*\*)?(?:key\s+)?(?:highlights|takeaways|key points)(?:\*\*)?\s*:?\s*(?:\*\*)?$/i;
const DISCLAIMER = /^(?:#{1,6}\s*)?(?:\*\*)?disclaimer(?:\*\*)?\s*(?:$|[:.–—-]\s*(?:\*\*)?\s*(.*))$/i;
const BULLET = /^(?:[-*•▪◦‣]|\d{1,2}[.)])\s+(.*)$/u;

export function isHighlightsHeading(line: string): boolean {
  return HIGHLIGHTS_HEADING.test(line);
}

/** For a `Disclaimer` line: the text on the same line (possibly empty). Undefined for other lines. */
export function disclaimerText(line: string): string | undefined {
  const match = line.match(DISCLAIMER);
  return match ? cleanInline(match[1] ?? '') : undefined;
}

/** The text of a bullet line (`- `, `* `, `• `, `1. `), or undefined. */
export function bulletText(line: string): string | undefined {
  const match = line.match(BULLET);
  return match ? cleanInline(match[1] ?? '') : undefined;
}

const SOURCE_LINE = /^source\s*:\s*(\S.{0,119})$/i;

/** For a `Source: NAME` line, the name; undefined for other lines. */
export function sourceLineName(line: string): string | undefined {
  const match = line.match(SOURCE_LINE);
  const name = match && cleanInline(match[1] ?? '');
  return name ? name : undefined;
}

/**
 * Headlines and sub-headings are short and do not end like a sentence. A headline may end in a
 * quoted word (`Permit “approved”`); a sub-heading inside the body may not, since a body line that
 * ends in a quote is far more often a sentence whose full stop went missing.
 */
export function looksLikeHeading(text: string, maxLength = 100, endsInQuote = false): boolean {
  const sentenceEnd = endsInQuote ? /[.,;:!?]["”’]?$/u : /[.,;:!?"”’]$/u;
  return text.length > 0 && text.length <= maxLength && !sentenceEnd.test(text) && /\p{L}/u.test(text);
}

/** Joins a disclaimer's sentences into one short note line. */
export function joinNote(parts: string[]): string | undefined {
  const note = cleanInline(parts.join(' '));
  return note === '' ? undefined : note;
}

/** Metadata as front matter or JSON gives it, before cleaning. */
export interface BriefingMetadata {
  title?: string | undefined;
  date?: string | undefined;
  source?: string | undefined;
  url?: string | undefined;
  tags?: string[] | undefined;
  disclaimer?: string | undefined;
}

/** Cleans metadata fields and lets them win over what was found in the text. */
export function applyMetadata(briefing: ParsedBriefing, metadata: BriefingMetadata): void {
  const clean = (value: string | undefined) => (value ? cleanInline(value) : '');
  if (clean(metadata.title)) {
    briefing.title = clean(metadata.title);
    briefing.titleOrigin = 'metadata';
  }
  if (clean(metadata.date)) briefing.date = clean(metadata.date);
  if (clean(metadata.source)) briefing.source = clean(metadata.source);
  if (metadata.url?.trim()) briefing.url = metadata.url.trim();
  if (clean(metadata.disclaimer)) briefing.disclaimer = clean(metadata.disclaimer);
  if (metadata.tags) briefing.tags = metadata.tags.map(cleanInline).filter(Boolean);
}
