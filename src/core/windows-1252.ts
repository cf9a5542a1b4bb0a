/**
 * Windows-1252: Latin-1 with printable characters in 0x80–0x9F. Node's decoder treats that range
 * as C1 controls, and a full charset library is a megabyte in a Lambda bundle, so the 27
 * differences are spelled out here. 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined.
 */
const HIGH_CONTROL_RANGE: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

/** The character a Windows-1252 byte stands for; undefined bytes come back as U+FFFD. */
export function windows1252Char(byte: number): string {
  if (byte < 0x80 || byte >= 0xa0) return String.fromCharCode(byte);
  return HIGH_CONTROL_RANGE[byte] ?? '\ufffd';
}

export function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += windows1252Char(byte);
  return text;
}
