import { windows1252Char } from './windows-1252.js';

/**
 * Mojibake repair: UTF-8 text that some tool decoded with a legacy single-byte code page.
 *
 * Two families occur in real briefings:
 * - Windows-874 / TIS-620 (Thai): `’` (E2 80 99) shows as `โ€` + a C1 control, or, when the
 *   tool dropped the bytes the code page does not define, as a bare `โ`; `©` shows as `ยฉ`.
 * - Windows-1252: `é` shows as `Ã©`, `’` as `â€™`.
 *
 * Each family is repaired by mapping a run of suspicious characters back to the bytes they came
 * from and reading those bytes as UTF-8. Where bytes were dropped, the few sequences that occur
 * (`โ` for ’ “ ” — –, `โข` for • or ™, `ย` for a no-break space) are decided from context.
 * A run is only changed when every character in it is explained that way, so real Thai text,
 * which never is, passes through untouched.
 */
export function repairMojibake(text: string): string {
  let current = text;
  // A second pass catches text that was mis-decoded twice; the loop ends when nothing changes.
  for (let pass = 0; pass < 3; pass++) {
    const repaired = repairCodePage(repairCodePage(current, WINDOWS_874), WINDOWS_1252);
    if (repaired === current) break;
    current = repaired;
  }
  return current;
}

interface CodePage {
  /** Character → the byte (0x80–0xFF) it decodes from. */
  byteOf: Map<string, number>;
  /** Matches maximal runs of characters from the upper half of the code page. */
  run: RegExp;
  /** Which repaired characters are believable for this code page. */
  plausible: (char: string) => boolean;
  /** Sequences with dropped bytes, resolved from their neighbours. */
  resolveDropped: (run: string, index: number, before: string, after: string) => Resolution | undefined;
}

interface Resolution {
  text: string;
  length: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function upperHalf(decodeByte: (byte: number) => string): Map<string, number> {
  const byteOf = new Map<string, number>();
  for (let byte = 0x80; byte <= 0xff; byte++) {
    const char = decodeByte(byte);
    // Bytes a code page leaves undefined survive in some tools as the C1 control of the same value.
    byteOf.set(char === '\ufffd' || char === '' ? String.fromCharCode(byte) : char, byte);
  }
  return byteOf;
}

function runPattern(byteOf: Map<string, number>): RegExp {
  const chars = [...byteOf.keys()].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new RegExp(`[${chars.join('')}]+`, 'gu');
}

const latin = (char: string) => /[\u00a0-\u024f]/u.test(char);
const punctuation = (char: string) => /[\u2010-\u2027\u2030-\u205e\u20ac\u2122\u2190-\u21ff]/u.test(char);
const emoji = (char: string) => /[\u{1f000}-\u{1faff}\u2600-\u27bf]/u.test(char);

const WINDOWS_874_BYTES = upperHalf((byte) => new TextDecoder('windows-874').decode(Uint8Array.of(byte)));
const WINDOWS_1252_BYTES = upperHalf(windows1252Char);

const WINDOWS_874: CodePage = {
  byteOf: WINDOWS_874_BYTES,
  run: runPattern(WINDOWS_874_BYTES),
  // Real Thai read as bytes sometimes forms valid UTF-8 too (โขง → ₧); only accept what such
  // mojibake actually produces: Latin letters, typographic punctuation, symbols, emoji.
  plausible: (char) => latin(char) || punctuation(char) || emoji(char),
  resolveDropped: resolveThaiDropped,
};

const WINDOWS_1252: CodePage = {
  byteOf: WINDOWS_1252_BYTES,
  run: runPattern(WINDOWS_1252_BYTES),
  // Greek and Cyrillic are common victims of this code page; CJK is left out because ordinary
  // accented text next to a dash (`é—™`) would read as a CJK character.
  plausible: (char) => latin(char) || /[\u0370-\u04ff]/u.test(char) || punctuation(char) || emoji(char),
  resolveDropped: resolveLatinDropped,
};

function repairCodePage(text: string, codePage: CodePage): string {
  return text.replace(codePage.run, (run, offset: number) => {
    const before = text.slice(Math.max(0, offset - 8), offset);
    const after = text.slice(offset + run.length, offset + run.length + 8);
    return repairRun(run, codePage, before, after) ?? run;
  });
}

/** The repaired run, or undefined when any part of it is not explained as mojibake. */
function repairRun(run: string, codePage: CodePage, before: string, after: string): string | undefined {
  const chars = [...run];
  const bytes = chars.map((char) => codePage.byteOf.get(char) ?? 0);
  let out = '';
  let index = 0;
  while (index < chars.length) {
    const sequence = decodeSequence(bytes, index);
    if (sequence && codePage.plausible(sequence.char)) {
      out += sequence.char;
      index += sequence.length;
      continue;
    }
    const rest = chars.slice(index).join('');
    const next = chars.slice(index + 1).join('') + after;
    const dropped = codePage.resolveDropped(rest, index, before + out, next);
    if (!dropped) return undefined;
    out += dropped.text;
    index += dropped.length;
  }
  return out;
}

/** One UTF-8 sequence starting at `index`, if the bytes there form a valid one. */
function decodeSequence(bytes: number[], index: number): { char: string; length: number } | undefined {
  const lead = bytes[index] ?? 0;
  const length =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (length === 0 || index + length > bytes.length) return undefined;
  try {
    return { char: utf8.decode(Uint8Array.from(bytes.slice(index, index + length))), length };
  } catch {
    return undefined;
  }
}

const WORD = /[\p{L}\p{N}]/u;
const CONTRACTION = /^(?:s|t|d|m|re|ve|ll)(?![\p{L}\p{N}])/u;

/**
 * `โ` is E2 with the two following bytes dropped: one of ’ “ ” — –. `โ€` is the same with the
 * euro byte kept. `โข` is E2 ?? A2: • or ™. `ย` is C2 with its second byte dropped: a no-break space.
 */
function resolveThaiDropped(
  rest: string,
  _index: number,
  before: string,
  after: string,
): Resolution | undefined {
  if (rest.startsWith('โข')) {
    return { text: WORD.test(before.slice(-1)) ? '™' : '•', length: 2 };
  }
  if (rest.startsWith('โ')) {
    const length = rest.startsWith('โ€') ? 2 : 1;
    const following = length === 2 ? after.slice(1) : after;
    return { text: quoteOrDash(before.slice(-1), following), length };
  }
  if (rest.startsWith('ย')) return { text: '\u00a0', length: 1 };
  return undefined;
}

/** `â€` followed by a dropped byte: ” (0x9D is undefined in Windows-1252, so it is what gets lost). */
function resolveLatinDropped(
  rest: string,
  _index: number,
  before: string,
  after: string,
): Resolution | undefined {
  if (rest.startsWith('â€')) return { text: quoteOrDash(before.slice(-1), after.slice(1)), length: 2 };
  return undefined;
}

/** Decides which of ’ “ ” — – a lost E2 80 xx sequence was, from the characters around it. */
function quoteOrDash(previous: string, following: string): string {
  // Another lost sequence right after this one tells nothing about words: treat it as a boundary.
  const next = following.startsWith('โ') || following.startsWith('â€') ? '' : ([...following][0] ?? '');
  const previousIsWord = WORD.test(previous);
  const nextIsWord = WORD.test(next);
  if (previousIsWord && /\p{L}/u.test(next) && CONTRACTION.test(following)) return '’';
  if (/\p{N}/u.test(previous) && /\p{N}/u.test(next)) return '–';
  if (previousIsWord && nextIsWord) return '—';
  if ((previous === '' || /[\s([{\u00a0]/u.test(previous)) && (nextIsWord || next === '‘')) return '“';
  if (/\s/u.test(previous) && /\s/u.test(next)) return '–';
  if (previousIsWord || /[.,;:!?)’”]/u.test(previous)) return nextIsWord ? '—' : '”';
  return '—';
}
