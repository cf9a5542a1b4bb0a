import { isThaiLetter } from './badness.js';
import type { RepairKind } from './codecs.js';

/**
 * Mojibake whose continuation bytes a decoder dropped, so re-encoding cannot bring them back:
 * UTF-8 read as TIS-620 (or Windows-874) by a tool that drops the bytes 0x80–0x9F it has no
 * character for, as in real scraped briefings, and Windows-1252 dropping its undefined 0x9D.
 *
 * | shown   | bytes left      | was                        | decided by                        |
 * |---------|-----------------|----------------------------|-----------------------------------|
 * | `โ`     | E2              | ’ ‘ “ ” – —  (E2 80 9x)    | position, spacing, open quotes    |
 * | `โ€`    | E2 80           | ’ ‘ “ ”  (dashes survive)  | position and open quotes          |
 * | `โข`    | E2 A2           | • (E2 80 A2) or ™ (E2 84 A2) | a word before it means ™        |
 * | `โฆ`    | E2 A6           | …                          | —                                 |
 * | `โฌ`    | E2 AC           | €                          | —                                 |
 * | `ย`     | C2              | no-break space (C2 A0)     | —                                 |
 * | `ร`     | C3              | × (C3 97) between numbers  | digits on both sides              |
 * | `â€`    | E2 80           | ” (E2 80 9D)               | —                                 |
 *
 * Only a sequence with no Thai letter on either side is touched: real Thai never puts `โ`
 * before anything but a Thai consonant, nor `ย` or `ร` between Latin words.
 */
export function repairLostBytes(text: string, repairs: Map<RepairKind, number>): string {
  if (!LOST.test(text)) return text;
  let out = '';
  let position = 0;
  for (const match of text.matchAll(LOST_GLOBAL)) {
    const shown = match[0];
    const start = match.index;
    const end = start + shown.length;
    const plainBefore = out + text.slice(position, start);
    const previous = [...plainBefore].at(-1);
    const following = text.slice(end);
    const restored = restore(shown, plainBefore, following);
    const thaiAround =
      isThaiLetter(previous) || (isThaiLetter(following[0]) && !isLostBytesLetter(text, end));
    if (restored === undefined || (!shown.startsWith('â€') && thaiAround)) {
      continue;
    }
    out = plainBefore + restored;
    position = end;
    const kind: RepairKind = shown.startsWith('â€')
      ? 'utf8-as-windows-1252-bytes-lost'
      : 'utf8-as-tis-620-bytes-lost';
    repairs.set(kind, (repairs.get(kind) ?? 0) + 1);
  }
  return out + text.slice(position);
}

const LOST = /โ|ย|ร|â€/u;

/**
 * True when the Thai letter at `index` belongs to a lost-bytes form rather than to Thai text:
 * a `โ` (with its `ข`, `ฆ` or `ฌ`) or a lone `ย` or `ร`, with no Thai letter around the form.
 */
export function isLostBytesLetter(text: string, index: number, explained?: Set<number>): boolean {
  const char = text[index];
  const thai = (at: number) => isThaiLetter(text[at]) && !explained?.has(at);
  if (char === 'ย' || char === 'ร') return !thai(index - 1) && !thai(index + 1);
  let start = index;
  if ('ขฆฌ'.includes(char ?? '') && text[index - 1] === 'โ') start = index - 1;
  if (text[start] !== 'โ') return false;
  let end = start + 1;
  while (text[end] === '€' || text[end] === '\ufffd') end++;
  if ('ขฆฌ'.includes(text[end] ?? '') && !thai(end + 1)) end++;
  // Real Thai never writes `โโ`: a `โ` before this one is another lost form (`”—` as `โโ`).
  return (!thai(start - 1) || text[start - 1] === 'โ') && !thai(end);
}
// A lost byte is gone, or shows as U+FFFD. Longest forms first, so `โข` is not read as `โ`
// followed by a Thai letter.
const LOST_GLOBAL =
  /โ[€\ufffd]?\ufffd?[ขฆฌ]|โ€\ufffd?|โ\ufffd{0,2}|ย\ufffd?|ร\ufffd?|â€(?:\ufffd|(?![\u0080-\u00bf\u2018-\u2022\u2026\u2122\u02dc\u0160-\u017e]))/gu;

function restore(shown: string, before: string, following: string): string | undefined {
  const previous = [...before].at(-1) ?? '';
  const last = shown.at(-1);
  if (shown.startsWith('โ') && last === 'ข')
    return WORD.test(previous) || /[)\]”’]/u.test(previous) ? '™' : '•';
  if (shown.startsWith('โ') && last === 'ฆ') return '…';
  if (shown.startsWith('โ') && last === 'ฌ') return '€';
  if (shown.startsWith('ย')) return '\u00a0';
  if (shown.startsWith('ร')) return nextToNumber(before, following) ? '×' : undefined;
  if (shown.startsWith('â€')) return '”';
  if (shown.startsWith('โ€')) return quoteFor(before, following);
  return quoteOrDashFor(before, following);
}

/** `3ร4`, `2 ร 3`, `10ร faster`: a lone `ร` touching a number was a multiplication sign. */
function nextToNumber(before: string, following: string): boolean {
  const afterNumber = /\d ?$/u.test(before);
  const beforeNumber = /^ ?\d/u.test(following);
  return (
    (afterNumber && (beforeNumber || /^(?:\s|$)/u.test(following))) ||
    (beforeNumber && /(?:^|\s)$/u.test(before))
  );
}

const WORD = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;
const CONTRACTION = /^(?:s|t|d|m|re|ve|ll|n)(?![\p{L}\p{N}])/u;
// O’Brien, D’Angelo, L’Oréal, d’Italia: one letter, then a capital.
const ELISION = /(?:^|[^\p{L}])[ODLdl]$/u;
// Another lost sequence next to this one says nothing about words: treat it as a boundary.
const NEXT_LOST = /^(?:โ€|โ|\ufffd)/u;

/** Which of ’ ‘ “ ” – — a bare `โ` (E2 80 9x with the last two bytes lost) was. */
function quoteOrDashFor(before: string, following: string): string {
  const previous = [...before].at(-1) ?? '';
  const next = NEXT_LOST.test(following) ? '' : ([...following][0] ?? '');
  if (apostrophe(before, following)) return '’';
  if (/\p{N}/u.test(previous) && /\p{N}/u.test(next)) return '–';
  if (/\s/u.test(previous) && (next === '' || /\s/u.test(next))) return '–';
  if (WORD.test(previous) && WORD.test(next)) return '—';
  if (/[”’]/u.test(previous) && WORD.test(next)) return '—';
  if (opens(previous, next)) return '“';
  if (closes(previous, next)) return closingQuote(before);
  return '—';
}

/** Which of ’ ‘ “ ” a `โ€` (E2 80 with the third byte lost) was: Windows-874 keeps dashes. */
function quoteFor(before: string, following: string): string {
  const previous = [...before].at(-1) ?? '';
  const next = NEXT_LOST.test(following) ? '' : ([...following][0] ?? '');
  if (apostrophe(before, following)) return '’';
  if (opens(previous, next)) return '“';
  if (closes(previous, next)) return closingQuote(before);
  return '’';
}

function apostrophe(before: string, following: string): boolean {
  const previous = [...before].at(-1) ?? '';
  const next = [...following][0] ?? '';
  if (!LETTER.test(next)) return /^\d\ds\b/u.test(following) && !WORD.test(previous);
  if (WORD.test(previous) && CONTRACTION.test(following)) return true;
  return ELISION.test(before) && /\p{Lu}/u.test(next);
}

function opens(previous: string, next: string): boolean {
  return (
    (previous === '' || /[\s([{\u00a0—–-]/u.test(previous)) && (WORD.test(next) || /[‘'$€£]/u.test(next))
  );
}

function closes(previous: string, next: string): boolean {
  return (WORD.test(previous) || /[.,;:!?)…’]/u.test(previous)) && !WORD.test(next);
}

/** ” closes an open “ on the same line; a plural possessive (`the firms’ plans`) takes ’. */
function closingQuote(before: string): string {
  const line = before.slice(before.lastIndexOf('\n') + 1);
  const open = (line.match(/“/gu)?.length ?? 0) > (line.match(/”/gu)?.length ?? 0);
  if (open) return '”';
  return /s$/u.test(line) ? '’' : '”';
}
