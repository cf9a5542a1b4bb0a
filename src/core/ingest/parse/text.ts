import type { ParsedBriefing } from '../../types.js';
import { cleanInline, collapseSpaces, isResidueLine, publisherFromCopyright, stripMarkup } from '../clean.js';
import {
  bulletText,
  disclaimerText,
  isHighlightsHeading,
  joinNote,
  looksLikeHeading,
  sourceLineName,
} from './structure.js';

type Section = 'body' | 'highlights' | 'disclaimer';

/**
 * Reads a plain-text briefing: an optional headline, a `Highlights` heading with bullets, body
 * paragraphs (one per line as scraped, or hard-wrapped), sub-headings, a `Disclaimer` line or
 * section, and scraping residue, which is dropped.
 */
export function parseTextBriefing(text: string): ParsedBriefing {
  const rawLines = stripMarkup(text).split('\n');
  const collapsed = rawLines.map(collapseSpaces);
  const named = collapsed.map(sourceLineName).find((name) => name !== undefined);
  const publisher = named ?? collapsed.map(publisherFromCopyright).find((name) => name !== undefined);
  const lines = collapsed.map((line) => (isResidueLine(line) || sourceLineName(line) ? '' : line));
  // Indentation is the one thing collapsing loses: it marks a wrapped highlight.
  const indented = rawLines.map((line) => /^\s/.test(line));

  const briefing: ParsedBriefing = { tags: [], highlights: [], paragraphs: [] };
  if (publisher) briefing.source = publisher;
  const disclaimer: string[] = [];
  let section: Section = 'body';
  let paragraph: string[] = [];
  let start = 0;

  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  const first = lines[firstIndex] ?? '';
  if (
    firstIndex >= 0 &&
    !isHighlightsHeading(first) &&
    bulletText(first) === undefined &&
    disclaimerText(first) === undefined &&
    looksLikeHeading(first.replace(/^(?:#\s+|title:\s*)/i, ''), 150, true)
  ) {
    briefing.title = cleanInline(first.replace(/^(?:#\s+|title:\s*)/i, ''));
    briefing.titleOrigin = 'headline';
    start = firstIndex + 1;
  }

  const flush = () => {
    const joined = cleanInline(paragraph.join(' '));
    paragraph = [];
    if (joined === '') return;
    if (section === 'disclaimer') {
      // A disclaimer section is one paragraph; what follows it is body again.
      disclaimer.push(joined);
      section = 'body';
    } else {
      briefing.paragraphs.push(joined);
    }
  };

  for (let index = start; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (isHighlightsHeading(line)) {
      flush();
      section = 'highlights';
      continue;
    }
    const note = disclaimerText(line);
    if (note !== undefined) {
      flush();
      if (note !== '') disclaimer.push(note);
      section = note === '' ? 'disclaimer' : 'body';
      continue;
    }
    const bullet = bulletText(line);
    if (bullet !== undefined) {
      flush();
      if (bullet === '') continue;
      if (section === 'highlights') briefing.highlights.push(bullet);
      else briefing.paragraphs.push(bullet);
      continue;
    }
    // A wrapped highlight continues on an indented line; anything else ends the highlights.
    if (section === 'highlights') {
      if (indented[index] && briefing.highlights.length > 0) {
        const last = briefing.highlights.length - 1;
        briefing.highlights[last] = cleanInline(`${briefing.highlights[last]} ${line}`);
        continue;
      }
      section = 'body';
    }
    if (section === 'body' && isSubHeading(line, lines[index + 1])) {
      flush();
      continue;
    }
    if (paragraph.length > 0 && !continuesParagraph(paragraph.at(-1) ?? '', line)) flush();
    paragraph.push(line);
  }
  flush();

  const note = joinNote(disclaimer);
  if (note) briefing.disclaimer = note;
  return briefing;
}

/** A short line without closing punctuation, followed by a line that starts a new sentence. */
function isSubHeading(line: string, next: string | undefined): boolean {
  if (!looksLikeHeading(line, 90)) return false;
  const following = next?.trim() ?? '';
  return following === '' || /^[\p{Lu}\p{N}"“‘(]/u.test(following) || bulletText(following) !== undefined;
}

/** Hard-wrapped text: the previous line stops mid-sentence and this one goes on in lower case. */
function continuesParagraph(previous: string, line: string): boolean {
  return !/[.!?:"”’)]\s*$/u.test(previous) && /^\s*[\p{Ll}\p{N}(“"‘]/u.test(line);
}
