import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceFile } from '../../src/core/types.js';

/** A source file as a source adapter would hand it over. */
export function sourceFile(
  name: string,
  content: string | Uint8Array,
  modified = new Date('2026-11-18T12:00:00Z'),
): SourceFile {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { name, bytes, size: bytes.length, modified };
}

/** UTF-8 text as a tool would show it after reading the bytes as TIS-620, dropping C1 bytes. */
export function asThaiMojibake(text: string, keepC1 = false): string {
  const decoder = new TextDecoder('windows-874');
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte >= 0x80 && byte <= 0x9f && !keepC1) continue;
    out += decoder.decode(Uint8Array.of(byte));
  }
  return out;
}

export function temporaryFolder(prefix = 'digest-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** UTF-8 text as a tool would show it after reading the bytes as Windows-1252 (undefined bytes lost). */
export function asLatinMojibake(text: string): string {
  const table = new Map<number, string>([
    [0x80, '€'],
    [0x82, '‚'],
    [0x83, 'ƒ'],
    [0x84, '„'],
    [0x85, '…'],
    [0x86, '†'],
    [0x87, '‡'],
    [0x88, 'ˆ'],
    [0x89, '‰'],
    [0x8a, 'Š'],
    [0x8b, '‹'],
    [0x8c, 'Œ'],
    [0x8e, 'Ž'],
    [0x91, '‘'],
    [0x92, '’'],
    [0x93, '“'],
    [0x94, '”'],
    [0x95, '•'],
    [0x96, '–'],
    [0x97, '—'],
    [0x98, '˜'],
    [0x99, '™'],
    [0x9a, 'š'],
    [0x9b, '›'],
    [0x9c, 'œ'],
    [0x9e, 'ž'],
    [0x9f, 'Ÿ'],
  ]);
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte < 0x80 || byte >= 0xa0) out += String.fromCharCode(byte);
    else out += table.get(byte) ?? '';
  }
  return out;
}
