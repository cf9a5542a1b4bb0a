/** Small text utilities shared by the stages: word-boundary truncation and sentence splitting. */

const ELLIPSIS = '…';

/**
 * Shortens text to at most `max` characters, cutting at a word boundary and ending with `…`.
 *
 * @example
 * truncateAtWord('Rare earth prices rose sharply this week', 20) // 'Rare earth prices…'
 */
export function truncateAtWord(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const room = chars.slice(0, max - ELLIPSIS.length + 1).join('');
  const lastSpace = room.search(/\s\S*$/u);
  // A single long word has no boundary to cut at: cut it hard rather than return nothing.
  const cut = lastSpace > max / 3 ? room.slice(0, lastSpace) : chars.slice(0, max - ELLIPSIS.length).join('');
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}${ELLIPSIS}`;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
// Abbreviations that end in a period without ending the sentence: "U.S. officials", "Dr. Li".
const ABBREVIATION_END =
  /(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|Inc|Corp|Co|Ltd|Jr|Sr|vs|etc|e\.g|i\.e|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)\s*$/;

/** Splits a paragraph into sentences, keeping abbreviations such as `U.S.` inside theirs. */
export function splitSentences(paragraph: string): string[] {
  const sentences: string[] = [];
  for (const { segment } of segmenter.segment(paragraph)) {
    const previous = sentences.at(-1);
    if (
      previous !== undefined &&
      ABBREVIATION_END.test(previous) &&
      /^\s*[\p{Ll}\p{Lu}\p{N}]/u.test(segment)
    ) {
      sentences[sentences.length - 1] = previous + segment;
    } else {
      sentences.push(segment);
    }
  }
  return sentences.map((sentence) => sentence.trim()).filter((sentence) => sentence !== '');
}

/** Length in user-perceived characters (code points), the way subject limits are counted. */
export function characterCount(text: string): number {
  return [...text].length;
}

// Places where a headline can stop without losing its sense: strong ones end a clause, weak ones
// come before a purpose or a subordinate clause and are used only when no strong one fits.
const STRONG_BOUNDARY = /,\s|\s[—–]\s|—|;\s/gu;
const WEAK_BOUNDARY =
  /\s(?:to|as|while|which|where|after|amid|because|so that|reinforcing|marking|signalling|signaling)\s/gu;

// Where the lead's main clause ends: before a purpose (`to …`), a relative clause (`which …`), a
// comma or a dash. A boundary in the first few words is part of the subject, not a tail.
const LEAD_TAIL =
  /,\s|;\s|:\s|\s[—–]\s|—|\s(?:to|which|who|while|as|after|amid|because|so that|reinforcing|marking|including)\s/gu;
const MIN_CLAUSE = 20;

/**
 * A headline made from a briefing's first highlight: its main clause, without brackets or a
 * trailing tail, cut at a word boundary if it is still longer than `max`.
 *
 * @example
 * headlineFromLead('Acme (ACME) opened a plant in Ohio on Monday to meet demand, officials said.', 90)
 * // 'Acme opened a plant in Ohio on Monday'
 */
export function headlineFromLead(sentence: string, max: number): string {
  const simplified = simplifySentence(splitSentences(sentence)[0] ?? sentence);
  const tail = [...simplified.matchAll(LEAD_TAIL)].find((match) => match.index >= MIN_CLAUSE);
  const clause = (tail ? simplified.slice(0, tail.index) : simplified).trim();
  return characterCount(clause) <= max ? clause : truncateAtWord(clause, max);
}

function simplifySentence(sentence: string): string {
  return sentence
    .replace(/\s*\([^()]{1,60}\)/gu, '')
    .replace(/^([^,]{3,60}),\s[^,]{3,50},\s(?=\p{Ll})/u, '$1 ')
    .replace(/[.:;!]+$/u, '')
    .trim();
}

/**
 * A headline made from a sentence: brackets and a leading appositive dropped, stopped at the
 * last clause boundary that fits, and only cut mid-clause (with `…`) when none does.
 *
 * @example
 * headlineFromSentence('Acme Corp (ACME), a maker of anvils, is opening a plant in Ohio to meet demand.', 30)
 * // 'Acme Corp is opening a plant in Ohio'
 */
export function headlineFromSentence(sentence: string, max: number): string {
  const simplified = simplifySentence(sentence);
  if (characterCount(simplified) <= max) return simplified;
  return (
    longestPrefixBefore(simplified, STRONG_BOUNDARY, max) ??
    longestPrefixBefore(simplified, WEAK_BOUNDARY, max) ??
    truncateAtWord(simplified, max)
  );
}

function longestPrefixBefore(text: string, boundary: RegExp, max: number): string | undefined {
  let best: string | undefined;
  for (const match of text.matchAll(boundary)) {
    const candidate = text.slice(0, match.index).trim();
    if (characterCount(candidate) > max) break;
    if (characterCount(candidate) >= 30) best = candidate;
  }
  return best;
}
