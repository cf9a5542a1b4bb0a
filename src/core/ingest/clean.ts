import { decodeHTML } from 'entities';
import { normalizeText } from './decode.js';

/**
 * Cleaning of briefing text, applied to whole documents before parsing and again to every
 * field. Markup is never rendered: active elements are dropped with their content, other tags
 * are dropped and their text kept, entities are decoded into plain characters (which the
 * renderer escapes again). All functions here are idempotent.
 */

// Elements whose content is code or embedded documents, never readable text.
const ACTIVE_ELEMENT =
  /<(script|style|iframe|object|embed|noscript|template|svg|math|frameset|frame)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const ACTIVE_OPENING_TAG =
  /<\/?(?:script|style|iframe|object|embed|noscript|template|svg|math|frameset|frame)\b[^>]*>?/gi;
const BLOCK_TAG =
  /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|header|footer)\b[^>]*>/gi;
// A tag name is followed by white space, `/` or `>`: `<https://x>` and `<a@b.c>` are Markdown autolinks, not tags.
const ANY_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
// Scrapers cut comments in half: `!-- /wp:paragraph -->`, `<!-- wp:heading {"level":2}`.
const WORDPRESS_FRAGMENT = /<?!--\s*\/?wp:[^\n]*?-->|<!--\s*\/?wp:[^\n]*/g;
const SCREEN_READER_RESIDUE = /\s*\((?:opens|open|link opens) in (?:a )?new (?:tab|window)\)/gi;
const ENTITY = /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;
const MAY_HAVE_MARKUP = /[<&]|!--|\((?:opens|open|link opens) in/i;

/** Strips markup and scraping residue from a block of text, keeping its line structure. */
export function stripMarkup(text: string): string {
  // Most briefing text has nothing to strip: skip the passes when no markup or residue can be there.
  if (!MAY_HAVE_MARKUP.test(text)) return text;
  let current = text;
  // Entities can hide tags (`&lt;script&gt;`), and double-encoded text needs two rounds.
  for (let round = 0; round < 4; round++) {
    const next = stripMarkupOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

function stripMarkupOnce(text: string): string {
  const withoutMarkup = text
    .replace(WORDPRESS_FRAGMENT, '')
    .replace(HTML_COMMENT, '')
    .replace(ACTIVE_ELEMENT, '')
    .replace(ACTIVE_OPENING_TAG, '')
    .replace(BLOCK_TAG, '\n')
    .replace(ANY_TAG, '')
    .replace(SCREEN_READER_RESIDUE, '');
  return ENTITY.test(withoutMarkup) ? normalizeText(decodeHTML(withoutMarkup)) : withoutMarkup;
}

/**
 * How much markup and scraping residue a document carried, for `digest inspect`: tags, comments
 * and entities (`html`), and residue phrases and lines (`residue`). Counted on the decoded text,
 * before the parsers strip them.
 */
export function cleanupCounts(text: string): { html: number; residue: number } {
  const count = (pattern: RegExp) => text.match(new RegExp(pattern.source, 'gi'))?.length ?? 0;
  const html =
    count(WORDPRESS_FRAGMENT) + count(HTML_COMMENT) + count(ANY_TAG) + count(new RegExp(ENTITY.source));
  const residue =
    count(SCREEN_READER_RESIDUE) +
    text.split('\n').filter((line) => line.trim() && isResidueLine(line)).length;
  return { html, residue };
}

/** Collapses spaces (including no-break spaces) inside a line and trims it. */
export function collapseSpaces(line: string): string {
  // JavaScript's \s already covers the no-break space and the other Unicode spaces.
  return line.replace(/\s+/g, ' ').trim();
}

/**
 * One clean line of inline text: markup and residue gone, white space collapsed, no line breaks
 * (so a title can never carry a header break into a subject).
 *
 * @example
 * cleanInline('Rare <b>earth</b> news (opens in a new tab)\r\nBcc: x') // 'Rare earth news Bcc: x'
 */
export function cleanInline(text: string): string {
  return collapseSpaces(stripMarkup(normalizeText(text)));
}

const ALLOWED_LINK = /^(?:https?:\/\/[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+)$/i;

/** The URL if it is an absolute http(s) or mailto link, else undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const trimmed = url.trim();
  if (!ALLOWED_LINK.test(trimmed)) return undefined;
  try {
    const parsed = new URL(trimmed);
    return ['https:', 'http:', 'mailto:'].includes(parsed.protocol) ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

const COMMENT_COUNT = /^\d+\s+(?:comments?|responses?|replies)$/i;
const COPYRIGHT = /^(?:©|\(c\)\s|copyright\b|all rights reserved)/i;
const SHARE_JUNK =
  /^(?:share(?: this(?: article| post)?| on \w+)?|tweet|print|email|like this:?|loading\.{3}|related(?: posts| articles)?:?|leave a (?:comment|reply)|click to share on .*|follow us on .*|subscribe(?: now| to our newsletter)?|advertisement|\[?…?\s*read more\s*…?\]?|back to top)$/i;

/** True for a whole line that is scraping residue: comment counts, copyright footers, share buttons. */
export function isResidueLine(line: string): boolean {
  const trimmed = collapseSpaces(line);
  return COMMENT_COUNT.test(trimmed) || COPYRIGHT.test(trimmed) || SHARE_JUNK.test(trimmed);
}

/**
 * The publisher named in a copyright footer (`© 2025 Rare Earth Exchanges™ – …`), used as the
 * source when a briefing names none.
 */
export function publisherFromCopyright(line: string): string | undefined {
  const match = collapseSpaces(line).match(
    /^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*([^–—|•.]+?)\s*(?:™|®)?\s*(?:[–—|•.].*)?$/i,
  );
  const name = match?.[1]?.replace(/[™®]/g, '').trim();
  return name && /\p{L}{2}/u.test(name) && !/all rights reserved/i.test(name) ? name : undefined;
}
