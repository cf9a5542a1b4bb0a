import type { RepairKind } from './mojibake/codecs.js';
import { repairMojibake } from './mojibake/repair.js';
import { decodeWindows1252 } from './windows-1252.js';

export type DecodeResult =
  | { ok: true; text: string; repairs: Map<RepairKind, number> }
  | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const SNIFF_BYTES = 8192;

/**
 * Turns a briefing's bytes into clean text: BOM stripped, UTF-8 or UTF-16 (with BOM) decoded,
 * CRLF → LF, mojibake repaired, control characters dropped, Unicode NFC.
 * Files that are not text come back with the reason.
 *
 * @example
 * decodeBriefingBytes(new TextEncoder().encode('Chinaโs exports')) // { ok: true, text: 'China’s exports' }
 */
export function decodeBriefingBytes(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
  const raw = decodeWithBom(bytes);
  if (raw === undefined) return { ok: false, reason: 'binary file, not text: save briefings as UTF-8 text' };
  const repaired = repairMojibake(raw);
  const text = normalizeText(repaired.text);
  if (text.trim() === '') return { ok: false, reason: 'empty file (only white space)' };
  return { ok: true, text, repairs: repaired.repairs };
}

function decodeWithBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return decodeUtf8OrLegacy(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (looksBinary(bytes)) return undefined;
  return decodeUtf8OrLegacy(bytes);
}

/** A NUL byte or many control bytes near the start means an image, archive or other binary. */
function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, SNIFF_BYTES);
  let controls = 0;
  for (const byte of head) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) controls++;
  }
  return controls > head.length * 0.05;
}

/** Text that is not valid UTF-8 is almost always a legacy Windows-1252 file; read it as such. */
function decodeUtf8OrLegacy(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

// Bidi overrides and isolates can make text read differently from what it is (Trojan Source);
// zero-width spaces and stray BOMs hide inside words. ZWJ/ZWNJ stay: emoji and scripts need them.
const HIDDEN_CLASS = '\\u200b\\u200e\\u200f\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff';
/** One character that hides or reverses text (see above): what an editor's subject may not hold either. */
export const HIDDEN_CHARACTER = new RegExp(`[${HIDDEN_CLASS}]`, 'u');
const INVISIBLE_CONTROLS = new RegExp(
  `[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f${HIDDEN_CLASS}\\ufffe]`,
  'g',
);

/** Line endings to LF, invisible and control characters out, NFC. Idempotent. */
export function normalizeText(text: string): string {
  const cleaned = text.replace(/\r\n?/g, '\n').replace(INVISIBLE_CONTROLS, '');
  // ASCII is already in NFC; normalising it only costs time.
  return ASCII_ONLY.test(cleaned) ? cleaned : cleaned.normalize('NFC');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, controls included.
const ASCII_ONLY = /^[\x00-\x7f]*$/;
