/**
 * How implausible a short stretch of text is, as a number: the sum of what each character costs
 * on its own and of what each pair of neighbours costs. Repairs compare the score of the text as
 * it is with the score of the candidate repair; a repair must win by a clear margin.
 *
 * The classes and costs describe what misreading UTF-8 produces and real writing does not:
 * - C1 controls (U+0080–U+009F) never occur in text people wrote: they are bytes left over.
 * - A letter followed straight by a symbol that letters never touch (`Ã©`, `â€`, `Ã±`), or such a
 *   symbol followed by a letter: a UTF-8 lead byte and its continuation bytes.
 * - Runs of symbols (`â€™`, `Ã¢â‚¬`): writing rarely puts two of them together.
 * - `Â` or `Ã` starting a word, or right after a digit or a lower-case letter (`SociÃ©tÃ©`,
 *   `3Ã—4`): these are the commonest lead bytes, and as letters they only occur inside words.
 * - Windows-1252's letters Š Œ Ž š œ ž Ÿ ƒ beside letters of the other case (`MÃœNCHEN`).
 * - Letters of two scripts touching inside one word (`Chinaโ€s`), and Thai beside symbols.
 * - Characters that decoding random byte pairs produces and briefings almost never contain:
 *   Latin Extended-B, IPA, spacing modifiers, lone combining marks, Braille, box drawing,
 *   private use, unassigned code points.
 * An accented capital inside an all-capital word (`IRMÃ`, `CAFÉ`) is read as a real letter: the
 * pair it starts costs half. `Â` is the exception: no word ends in it.
 */

type CharClass =
  | 'space'
  | 'c1'
  | 'digit'
  | 'upper'
  | 'lower'
  | 'upperAccented'
  | 'lowerAccented'
  | 'windowsLetter'
  | 'rareLetter'
  | 'thai'
  | 'greek'
  | 'cyrillic'
  | 'cjk'
  | 'otherLetter'
  | 'mark'
  | 'oddSymbol'
  | 'currency'
  | 'wordSymbol'
  | 'rareSymbol'
  | 'punctuation'
  | 'nbsp';

const LETTER_CLASSES = new Set<CharClass>([
  'upper',
  'lower',
  'upperAccented',
  'lowerAccented',
  'windowsLetter',
  'rareLetter',
  'thai',
  'greek',
  'cyrillic',
  'cjk',
  'otherLetter',
]);
const LATIN_CLASSES = new Set<CharClass>([
  'upper',
  'lower',
  'upperAccented',
  'lowerAccented',
  'windowsLetter',
]);

// Symbols that stand apart from letters in running text; in mojibake they are continuation bytes.
const ODD_SYMBOLS = '‚„†‡ˆ‰‹›˜¡¦§¨¬\u00ad¯±´µ¶·¸¼½¾¿«»';
// Of those, the ones English text hardly ever uses at all.
const RARE_SYMBOLS = '‚„†‡ˆ‹›˜¦¨¬\u00ad¯´¸¤';
// Symbols that legitimately touch the end of a word or a number.
const WORD_SYMBOLS = '™®©°²³¹ªº%';
const CURRENCY = '€£¥¢¤';
// Letters Windows-1252 has in 0x80–0x9F: common in mojibake, rare in English text.
const WINDOWS_LETTERS = 'ŠŒŽšœžŸƒ';
// Blocks of symbols that ordinary text uses: general punctuation, currency, letterlike, arrows,
// mathematical operators, technical symbols, geometric shapes (bullets), dingbats and emoji.
const COMMON_SYMBOL_BLOCKS: [number, number][] = [
  [0x2010, 0x205e],
  [0x20a0, 0x20cf],
  [0x2100, 0x23ff],
  [0x25a0, 0x27bf],
  [0x3000, 0x303f],
  [0xff00, 0xffef],
  [0x1f000, 0x1faff],
];

const CLASS_CACHE = new Map<string, CharClass>();

function classify(char: string): CharClass {
  let found = CLASS_CACHE.get(char);
  if (!found) {
    found = classifyUncached(char);
    CLASS_CACHE.set(char, found);
  }
  return found;
}

function classifyUncached(char: string): CharClass {
  const code = char.codePointAt(0) ?? 0;
  // U+FFFD stands where a decoder lost bytes: a gap, like white space, not a letter.
  if (char === '' || char === '\ufffd' || /\s/u.test(char)) return char === '\u00a0' ? 'nbsp' : 'space';
  if (code >= 0x80 && code <= 0x9f) return 'c1';
  if (/[0-9]/.test(char)) return 'digit';
  if (/[A-Z]/.test(char)) return 'upper';
  if (/[a-z]/.test(char)) return 'lower';
  if (WINDOWS_LETTERS.includes(char)) return 'windowsLetter';
  if (ODD_SYMBOLS.includes(char)) return 'oddSymbol';
  if (CURRENCY.includes(char)) return 'currency';
  if (WORD_SYMBOLS.includes(char)) return 'wordSymbol';
  if (code >= 0xc0 && code <= 0x17f && code !== 0xd7 && code !== 0xf7) {
    return char === char.toLowerCase() && char !== char.toUpperCase() ? 'lowerAccented' : 'upperAccented';
  }
  if (code >= 0x0e01 && code <= 0x0e5b) return 'thai';
  if (
    (code >= 0x180 && code <= 0x36f) ||
    // Syriac, Thaana, NKo, Samaritan, Mandaic: what random byte pairs decode to, not what briefings quote.
    (code >= 0x700 && code <= 0x8ff) ||
    (code >= 0x2000 && code <= 0x200f) ||
    (code >= 0xfff0 && code <= 0xffff) ||
    /[\p{Co}\p{Cn}\p{Cs}\p{Cc}]/u.test(char)
  ) {
    return 'rareLetter';
  }
  if (/\p{M}/u.test(char)) return 'mark';
  if (/\p{L}/u.test(char)) {
    if (/\p{Script=Greek}/u.test(char)) return 'greek';
    if (/\p{Script=Cyrillic}/u.test(char)) return 'cyrillic';
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(char)) return 'cjk';
    return 'otherLetter';
  }
  // Digits of other scripts go with their script's letters.
  if (/\p{Nd}/u.test(char)) return 'otherLetter';
  if (/\p{Sc}/u.test(char)) return 'currency';
  if (code < 0x2000 || COMMON_SYMBOL_BLOCKS.some(([from, to]) => code >= from && code <= to))
    return 'punctuation';
  return 'rareSymbol';
}

const CHAR_COST: Partial<Record<CharClass, number>> = { c1: 3, rareLetter: 2, rareSymbol: 1.5, mark: 0.5 };

/** A Latin Extended-A letter (ą, ř, ő…) is real in Central European names, rare in briefings. */
const EXTENDED_A_COST = 0.25;
const RARE_SYMBOL_COST = 0.5;

const isLetter = (kind: CharClass) => LETTER_CLASSES.has(kind);
const isLatin = (kind: CharClass) => LATIN_CLASSES.has(kind);
const isSymbol = (kind: CharClass) => kind === 'oddSymbol' || kind === 'wordSymbol' || kind === 'currency';

const LONE_LEADS = 'ÂÃยร';

/** Â and Ã are UTF-8's commonest lead bytes (C2, C3); as letters they never start a word. */
const isMojibakeLead = (char: string) => char === 'Â' || char === 'Ã';

function charCost(char: string, before: string): number {
  const kind = classify(char);
  const code = char.codePointAt(0) ?? 0;
  let cost = CHAR_COST[kind] ?? 0;
  if (code >= 0x100 && code <= 0x17f && kind !== 'windowsLetter') cost += EXTENDED_A_COST;
  if (RARE_SYMBOLS.includes(char)) cost += RARE_SYMBOL_COST;
  if (isMojibakeLead(char)) {
    const previous = classify(before);
    if (!isLetter(previous) || previous === 'lower' || previous === 'lowerAccented') cost += 1;
  }
  return cost;
}

function scriptOf(kind: CharClass): string | undefined {
  if (isLatin(kind)) return 'latin';
  return isLetter(kind) && kind !== 'rareLetter' ? kind : undefined;
}

/** The cost of `b` directly following `a`; `before` is the character before `a` (or ''). */
function pairCost(before: string, a: string, b: string): number {
  const first = classify(a);
  const second = classify(b);
  let cost = 0;
  const firstScript = scriptOf(first);
  const secondScript = scriptOf(second);
  if (firstScript && secondScript && firstScript !== secondScript) {
    cost += 1;
  }
  const thaiTouches = (kind: CharClass) => kind === 'digit' || isSymbol(kind);
  if ((first === 'thai' && thaiTouches(second)) || (thaiTouches(first) && second === 'thai')) cost += 0.5;
  if (isLetter(first) && (second === 'oddSymbol' || second === 'c1' || second === 'currency')) {
    cost += withinCapitals(before, a) ? 0.5 : 1;
  }
  const thaiLead = (a === 'ย' || a === 'ร') && classify(before) !== 'thai';
  if ((first === 'upperAccented' || thaiLead) && second === 'nbsp')
    cost += withinCapitals(before, a) ? 0.5 : 1;
  // No word ends in Â: followed by anything but a letter, it is a lead byte.
  if (a === 'Â' && !isLetter(second)) cost += 0.5;
  // `Ã`, `Â`, `ร`, `ย` as one-letter words are lead bytes whose continuation is the next character.
  if (LONE_LEADS.includes(a) && !isLetter(classify(before)) && !isLetter(second)) cost += 1;
  if ((first === 'oddSymbol' || first === 'c1') && isLetter(second)) cost += 1;
  if ((first === 'currency' || first === 'wordSymbol') && isLetter(second) && !/[°º]/u.test(a)) cost += 0.5;
  // A price is `€40` or `40 €`: a currency sign before other punctuation is a continuation byte.
  if (first === 'currency' && second !== 'digit' && second !== 'space' && second !== 'nbsp') cost += 0.5;
  if (isMojibakeLead(a) && isSymbol(second)) cost += withinCapitals(before, a) ? 0.5 : 1;
  // ¡ and ¿ open a Spanish sentence: anything but a word after them is a misreading.
  if (/[¡¿]/u.test(a) && !isLetter(second) && second !== 'digit') cost += 2;
  if (
    isSymbol(first) &&
    isSymbol(second) &&
    (first === 'oddSymbol' || second === 'oddSymbol' || first === second)
  ) {
    cost += 1;
  }
  if ((first === 'lower' || first === 'lowerAccented' || first === 'digit') && second === 'upperAccented') {
    cost += 1;
  }
  if (first === 'windowsLetter' || second === 'windowsLetter') {
    if (isLatin(first) && isLatin(second) && caseOf(first, a) !== caseOf(second, b)) cost += 1;
    if (a === 'ƒ' || b === 'ƒ') cost += 0.5;
  }
  return cost;
}

/** An accented capital preceded by a capital is read as part of an all-capital word. */
function withinCapitals(before: string, char: string): boolean {
  if (classify(char) !== 'upperAccented' || char === 'Â') return false;
  const previous = classify(before);
  return previous === 'upper' || previous === 'upperAccented';
}

function caseOf(kind: CharClass, char: string): 'upper' | 'lower' {
  if (kind === 'upper' || kind === 'upperAccented') return 'upper';
  if (kind === 'windowsLetter') return char === char.toUpperCase() ? 'upper' : 'lower';
  return 'lower';
}

/**
 * The badness of `text` (a short stretch: a candidate sequence with a character of context on
 * each side). `before` is the character in front of the stretch, for the context-dependent costs.
 *
 * @example
 * badness('tÃ©s') > badness('tés') // true
 */
export function badness(text: string, before = ''): number {
  const chars = [...text];
  let total = 0;
  let previous = [...before].at(-1) ?? '';
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] ?? '';
    total += charCost(char, previous);
    const next = chars[index + 1];
    if (next !== undefined) total += pairCost(previous, char, next);
    previous = char;
  }
  return total;
}

export function isThaiLetter(char: string | undefined): boolean {
  return char !== undefined && char !== '' && classify(char) === 'thai';
}
