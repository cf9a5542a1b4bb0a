import { windows1252Char } from '../windows-1252.js';

/**
 * The legacy single-byte code pages that UTF-8 gets misread with, as maps from the character a
 * decoder shows back to the byte it read. Two families, because within a family the maps never
 * disagree, so one map serves every member:
 *
 * - Latin: Windows-1252 (0x80–0x9F printable, its five undefined bytes kept as C1 controls, as
 *   browsers do) and Latin-1 (0x80–0x9F as C1 controls U+0080–U+009F).
 * - Thai: Windows-874 (0x80 €, 0x85 …, 0x91–0x97 ‘ ’ “ ” • – —, the rest as C1 controls) and
 *   TIS-620 (0x80–0x9F undefined, kept as C1 controls), 0xA0 a no-break space, 0xA1–0xFB Thai.
 *
 * A decoder that drops the bytes it cannot map loses information the maps cannot give back; that
 * case is handled by `lost-bytes.ts`.
 */
export interface CodecFamily {
  name: 'latin' | 'thai';
  /** Character → the byte (0x80–0xFF) it was decoded from. */
  byteOf: ReadonlyMap<string, number>;
  /** Matches a character that stands for a UTF-8 lead byte (0xC2–0xF4) in this family. */
  lead: RegExp;
}

export type RepairKind =
  | 'utf8-as-windows-1252'
  | 'utf8-as-latin1'
  | 'utf8-as-windows-874'
  | 'utf8-as-tis-620'
  | 'double-encoded'
  | 'utf8-as-tis-620-bytes-lost'
  | 'utf8-as-windows-1252-bytes-lost';

const C1 = (byte: number) => String.fromCharCode(byte);

function latinBytes(): Map<string, number> {
  const byteOf = new Map<string, number>();
  for (let byte = 0x80; byte <= 0xff; byte++) {
    byteOf.set(C1(byte), byte);
    const shown = windows1252Char(byte);
    if (shown !== '\ufffd') byteOf.set(shown, byte);
  }
  return byteOf;
}

// WHATWG's windows-874 is TIS-620 plus these; Node's TextDecoder is not needed to build it.
const WINDOWS_874_EXTRAS: Record<number, string> = {
  128: '€',
  133: '…',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
  160: '\u00a0',
};

function thaiBytes(): Map<string, number> {
  const byteOf = new Map<string, number>();
  for (let byte = 0x80; byte <= 0x9f; byte++) byteOf.set(C1(byte), byte);
  for (const [byte, char] of Object.entries(WINDOWS_874_EXTRAS)) byteOf.set(char, Number(byte));
  // TIS-620 leaves 0xDB–0xDE undefined (no Thai letter there).
  for (let byte = 0xa1; byte <= 0xfb; byte++) {
    if (byte >= 0xdb && byte <= 0xde) continue;
    byteOf.set(String.fromCharCode(0x0e01 + byte - 0xa1), byte);
  }
  return byteOf;
}

export const LATIN: CodecFamily = { name: 'latin', byteOf: latinBytes(), lead: /[\u00c2-\u00f4]/u };
export const THAI: CodecFamily = { name: 'thai', byteOf: thaiBytes(), lead: /[\u0e22-\u0e54]/u };
export const FAMILIES: readonly CodecFamily[] = [LATIN, THAI];

/** Characters either family could have produced from a byte of 0x80 or more. */
export const MAY_BE_MOJIBAKE =
  /[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u0e01-\u0e5b\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/u;

const isC1 = (char: string) => char >= '\u0080' && char <= '\u009f';

/** Which misreading a repaired sequence came from, by the characters it contained. */
export function kindOf(family: CodecFamily, sequence: string): RepairKind {
  // Windows code pages show some of 0x80–0x9F as characters; Latin-1 and TIS-620 show none.
  const hasC1 = [...sequence].some(isC1);
  const hasWindowsOnly = [...sequence].some((char) => !isC1(char) && (family.byteOf.get(char) ?? 0) < 0xa0);
  if (family.name === 'thai') return hasC1 && !hasWindowsOnly ? 'utf8-as-tis-620' : 'utf8-as-windows-874';
  return hasC1 && !hasWindowsOnly ? 'utf8-as-latin1' : 'utf8-as-windows-1252';
}
