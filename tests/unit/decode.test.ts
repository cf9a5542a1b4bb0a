import { describe, expect, it } from 'vitest';
import { decodeBriefingBytes } from '../../src/core/ingest/decode.js';

const text = (result: ReturnType<typeof decodeBriefingBytes>) =>
  result.ok ? result.text : `SKIPPED: ${result.reason}`;

describe('decodeBriefingBytes', () => {
  it('reads UTF-8 and strips a BOM', () => {
    expect(
      text(decodeBriefingBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('Tin rallies')]))),
    ).toBe('Tin rallies');
  });

  it.each([
    ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Zinc – 3%', 'utf16le')])],
    ['UTF-16 BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Zinc – 3%', 'utf16le').swap16()])],
  ])('reads %s with a BOM', (_name, bytes) => {
    expect(text(decodeBriefingBytes(bytes))).toBe('Zinc – 3%');
  });

  it('turns CRLF and CR into LF and composes to NFC', () => {
    expect(text(decodeBriefingBytes(Buffer.from('Cafe\u0301\r\nline\rnext')))).toBe('Café\nline\nnext');
  });

  it('drops bidi overrides and zero-width spaces but keeps emoji joiners', () => {
    const input = 'safe\u202etxt.exe\u200b and 👩\u200d🔬';
    expect(text(decodeBriefingBytes(Buffer.from(input)))).toBe('safetxt.exe and 👩\u200d🔬');
  });

  it('reads a legacy Windows-1252 file that is not valid UTF-8', () => {
    expect(text(decodeBriefingBytes(Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0xe9])))).toBe('“Hi” é');
  });

  it.each([
    ['an empty file', new Uint8Array(), 'empty file'],
    ['a file of white space', Buffer.from(' \n\t\n'), 'empty file (only white space)'],
    [
      'a PNG image',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
      'binary file',
    ],
  ])('skips %s and says why', (_name, bytes, reason) => {
    const result = decodeBriefingBytes(bytes);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
