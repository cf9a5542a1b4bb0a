import fc from 'fast-check';

/**
 * Generated English briefing text with typographic characters where writers put them, and
 * clean text in the scripts a briefing may quote. Used to break text the way the world does
 * (`misread.ts`) and to check that clean text is never touched.
 */

const WORDS = [
  'the',
  'output',
  'prices',
  'rose',
  'mine',
  'plant',
  'exports',
  'said',
  'on',
  'friday',
  'quarterly',
  'copper',
  'lithium',
  'grades',
  'fell',
  'new',
  'deal',
  'contract',
  'for',
  'with',
  'tonnes',
  'supply',
  'demand',
  'steady',
  'market',
  'ministry',
  'approved',
  'plan',
  'its',
  'a',
  'of',
  'and',
  'in',
  'to',
  'firms',
  'project',
  'shares',
  'is',
  'week',
  'refinery',
];
const NAMES = ['Chile', 'Peru', 'Lisbon', 'Acme', 'Nordex', 'Quanta', 'Halvorsen', 'Banco', 'Orlen'];
const ACRONYMS = ['EU', 'NATO', 'US', 'IMF', 'OPEC', 'UK'];
const ACCENTED = [
  'café',
  'élan',
  'résumé',
  'Zürich',
  'über',
  'Müller',
  'señor',
  'ñandu',
  'España',
  'menü',
  'école',
];

const word = fc.constantFrom(...WORDS);
const name = fc.constantFrom(...NAMES);
const acronym = fc.constantFrom(...ACRONYMS);
const number = fc.integer({ min: 2, max: 990 }).map(String);
const year = fc.integer({ min: 1990, max: 2030 }).map(String);
const phrase = fc
  .array(fc.oneof(word, word, name), { minLength: 1, maxLength: 4 })
  .map((words) => words.join(' '));

/** One fragment with a typographic character, in a place writers put it. */
const fragment: fc.Arbitrary<string> = fc.oneof(
  // ’ ‘
  word.map((w) => `${w}’s`),
  fc.constantFrom('don’t', 'it’s', 'they’re', 'we’ve', 'I’ll', 'won’t', 'O’Brien', 'the ’90s'),
  word.map((w) => `${w}s’`),
  phrase.map((p) => `‘${p}’`),
  // “ ”
  phrase.map((p) => `“${p}”`),
  phrase.map((p) => `“${p},” said ${NAMES[0]}`),
  // — –
  fc.tuple(word, word).map(([a, b]) => `${a}—${b}`),
  fc.tuple(word, word).map(([a, b]) => `${a} — ${b}`),
  fc.tuple(year, year).map(([a, b]) => `${a}–${b}`),
  fc.tuple(number, number).map(([a, b]) => `pages ${a}–${b}`),
  fc.tuple(word, word).map(([a, b]) => `${a} – ${b}`),
  // • …
  fc.tuple(word, word).map(([a, b]) => `${a} • ${b}`),
  word.map((w) => `${w}…`),
  fc.tuple(word, word).map(([a, b]) => `${a}… ${b}`),
  word.map((w) => `…${w}`),
  // ™ © ® € ° × ·
  name.map((n) => `${n}™`),
  name.map((n) => `${n}® shares`),
  fc.tuple(year, name).map(([y, n]) => `© ${y} ${n}`),
  number.map((n) => `€${n}`),
  number.map((n) => `${n} €`),
  number.map((n) => `€${n}m`),
  number.map((n) => `${n} °C`),
  number.map((n) => `${n}°`),
  fc.tuple(number, number).map(([a, b]) => `${a}×${b}`),
  fc.tuple(number, number).map(([a, b]) => `${a} × ${b}`),
  number.map((n) => `${n}× faster`),
  fc.tuple(name, name).map(([a, b]) => `${a} · ${b}`),
  // « »
  phrase.map((p) => `«${p}»`),
  phrase.map((p) => `«\u00a0${p}\u00a0»`),
  // no-break space
  number.map((n) => `${n}\u00a0km`),
  name.map((n) => `Mr.\u00a0${n}`),
  fc.tuple(word, name).map(([w, n]) => `${w}.\u00a0${n}`),
  fc.tuple(word, word).map(([a, b]) => `${a}\u00a0${b}`),
  acronym.map((a) => `${a}\u00a0summit`),
  // é ü ñ
  fc.constantFrom(...ACCENTED),
);

const plainWords = fc.array(fc.oneof(word, word, word, name, acronym), { minLength: 0, maxLength: 5 });

/** A line: words with one to three fragments at its start, middle or end. */
const line: fc.Arbitrary<string> = fc
  .tuple(plainWords, fc.array(fc.tuple(fragment, fc.nat()), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([words, inserts, period]) => {
    const tokens = [...words];
    for (const [text, at] of inserts) tokens.splice(at % (tokens.length + 1), 0, text);
    const joined = tokens.join(' ');
    return period && !/[.…]$/u.test(joined) ? `${joined}.` : joined;
  });

/** A bullet line as a Highlights block has it. */
const bullet = line.map((text) => `• ${text}`);

/** Several lines of generated briefing text. */
export const briefingText: fc.Arbitrary<string> = fc
  .array(fc.oneof(line, line, bullet), { minLength: 1, maxLength: 4 })
  .map((lines) => lines.join('\n'));

export const TYPOGRAPHIC = [...'’‘“”—–•…™©®€°×·«»\u00a0éüñ'];

/**
 * Any of the typographic characters at any position: the start, middle or end of a word (the
 * first word's start and the last word's end are the line's), alone between spaces, or as a
 * line-initial bullet, in otherwise plain text. Each character goes into its own word, so the
 * text tests positions, not runs of symbols no writer produces.
 */
export const anyPosition: fc.Arbitrary<string> = fc
  .array(word, { minLength: 3, maxLength: 7 })
  .chain((words) =>
    fc.tuple(
      fc.constant(words),
      fc.uniqueArray(
        fc.tuple(
          fc.nat({ max: words.length - 1 }),
          fc.constantFrom(...TYPOGRAPHIC),
          fc.constantFrom('start', 'middle', 'end', 'alone', 'bullet'),
        ),
        { minLength: 1, maxLength: 3, selector: ([index]) => index },
      ),
    ),
  )
  .map(([words, inserts]) => {
    const tokens: string[] = [...words];
    for (const [index, char, where] of inserts) {
      const token = tokens[index] ?? '';
      const middle = Math.max(1, Math.floor(token.length / 2));
      if (where === 'start') tokens[index] = `${char}${token}`;
      else if (where === 'end') tokens[index] = `${token}${char}`;
      else if (where === 'middle') tokens[index] = `${token.slice(0, middle)}${char}${token.slice(middle)}`;
      else if (where === 'alone') tokens[index] = `${char} ${token}`;
      else tokens[index] = index === 0 ? `${char} ${token}` : `${token}\n${char}`;
    }
    return tokens.join(' ');
  });

// Clean text in the scripts briefings quote. Words are runs of one script, as people write them.
const THAI_WORDS = [
  'ภาษาไทย',
  'เป็น',
  'ภาษาราชการ',
  'ของ',
  'ประเทศไทย',
  'แม่น้ำโขง',
  'โรงเรียน',
  'อาหาร',
  'อร่อย',
  'ฉันชอบ',
  'กรุงเทพมหานคร',
  'ไทย',
  'ข่าว',
  'เศรษฐกิจ',
  'ยก',
  'สก',
];
const CJK_WORDS = [
  '包钢集团',
  '清华大学',
  '签署',
  '战略合作协议',
  '稀土',
  '日本語',
  'ニュース',
  '東京',
  '한국어',
  '경제',
];
const GREEK_WORDS = ['Αθήνα', 'οικονομία', 'λιμάνι', 'ΕΛΛΑΔΑ', 'τιμές', 'ΌΜΙΛΟΣ'];
const CYRILLIC_WORDS = ['Москва', 'экономика', 'цены', 'РОССИЯ', 'Україна', 'ЗАВОД', 'рынок'];
const LATIN_WORDS = [
  'déjà',
  'naïve',
  'café',
  'Ça',
  'Zürich',
  'Société',
  'Générale',
  'São',
  'Paulo',
  'Kraków',
  'Łódź',
  'Øresund',
  'Ærø',
  'Ålesund',
  'Straße',
  'Mañana',
  'ÉTÉ',
  'CAFÉ',
  'IRMÃ',
  'SÃO',
  'CHÂTEAU',
  'ÅRHUS',
  'MÜNCHEN',
  'GÖTEBORG',
  'ÎLE',
  'ÇA',
  'PARÍS',
  'ROMÂNIA',
  'ÉCOLE',
  'Ångström',
  'Émile',
  'Ölhafen',
  'Über',
];
// Marks that open before a word, and marks and symbols that close after one.
const OPENING = ['“', '‘', '«', '(', '¡', '€', '©\u00a0', '— ', '• '];
const CLOSING = [
  '…',
  '™',
  '—',
  '\u00a0',
  '–',
  '’',
  '”',
  '»',
  ')',
  '©',
  '®',
  '€',
  '°',
  '×',
  '·',
  ',',
  '.',
  '!',
  '?',
  ':',
  ';',
];

/**
 * A word that ends in an accented capital: the case where repairs used to eat real letters.
 * (Not Â: no word in any language ends in it, and `Â` + a no-break space is the commonest mojibake.)
 */
const accentedCapitalEnding = fc
  .tuple(
    fc.constantFrom('CAF', 'IRM', 'PAR', 'ET', 'S', 'N', 'GEN', 'CH', 'ZÜRI', 'SK'),
    fc.constantFrom(...'ÉÈÊÀÄÃÅÇÑÖÜØÔÓÍÚÆ'),
  )
  .map(([stem, capital]) => `${stem}${capital}`);

const cleanWord = fc.oneof(
  fc.constantFrom(...THAI_WORDS),
  fc.constantFrom(...CJK_WORDS),
  fc.constantFrom(...GREEK_WORDS),
  fc.constantFrom(...CYRILLIC_WORDS),
  fc.constantFrom(...LATIN_WORDS),
  accentedCapitalEnding,
  word,
);

/** Clean multilingual text: words with opening and closing marks, then a space or a new line. */
export const cleanText: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.option(fc.constantFrom(...OPENING), { nil: undefined, freq: 4 }),
      cleanWord,
      fc.option(fc.constantFrom(...CLOSING), { nil: undefined, freq: 2 }),
      fc.constantFrom(' ', ' ', '\n', '\u00a0'),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) =>
    parts
      .map(([open, w, close, space]) => `${open ?? ''}${w}${close ?? ''}${space}`)
      .join('')
      .trimEnd(),
  );

/** The same text with – and — made equal, for misreadings that lose the byte between them. */
export function sameDashes(text: string): string {
  return text.replaceAll('–', '—');
}
