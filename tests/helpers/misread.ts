import iconv from 'iconv-lite';

/**
 * Text broken the way the world breaks it: UTF-8 bytes read back with a legacy code page, by
 * decoders we did not write (iconv-lite, Node's WHATWG TextDecoder and Buffer).
 */
export type Misreading =
  | 'windows-1252'
  | 'windows-1252 (undefined bytes replaced)'
  | 'latin1'
  | 'tis-620 (C1 kept)'
  | 'windows-874'
  | 'double-encoded'
  | 'tis-620 (C1 dropped)'
  | 'tis-620 (C1 replaced)'
  | 'windows-874 (undefined dropped)';

/** Misreadings that keep every byte: a repair can and must give the original back exactly. */
export const RECOVERABLE: Misreading[] = [
  'windows-1252',
  'windows-1252 (undefined bytes replaced)',
  'latin1',
  'tis-620 (C1 kept)',
  'windows-874',
  'double-encoded',
];

/** Misreadings that lose bytes: only context can tell ’ from ” or – from —. */
export const LOSSY: Misreading[] = [
  'tis-620 (C1 dropped)',
  'tis-620 (C1 replaced)',
  'windows-874 (undefined dropped)',
];

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Windows-1252 as browsers read it (WHATWG): its five undefined bytes become C1 controls. */
function windows1252(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const char = iconv.decode(Buffer.of(byte), 'cp1252');
    out += char === '\ufffd' ? String.fromCharCode(byte) : char;
  }
  return out;
}

export function misread(text: string, how: Misreading): string {
  const bytes = utf8(text);
  switch (how) {
    case 'windows-1252':
      return windows1252(bytes);
    case 'windows-1252 (undefined bytes replaced)':
      return iconv.decode(bytes, 'cp1252');
    case 'latin1':
      return bytes.toString('latin1');
    case 'tis-620 (C1 kept)':
      return iconv.decode(bytes, 'iso885911');
    case 'windows-874':
      return new TextDecoder('windows-874').decode(bytes);
    case 'double-encoded':
      return windows1252(utf8(windows1252(bytes)));
    case 'tis-620 (C1 dropped)':
      return iconv.decode(bytes, 'tis620').replaceAll('\ufffd', '');
    case 'tis-620 (C1 replaced)':
      return iconv.decode(bytes, 'tis620');
    case 'windows-874 (undefined dropped)':
      return iconv.decode(bytes, 'cp874').replaceAll('\ufffd', '');
  }
}
