/**
 * Windows-1252: Latin-1 with printable characters in 0x80–0x9F. Node's decoder treats that range
 * as C1 controls, and a full charset library is a megabyte in a Lambda bundle, so the 27
 * differences are spelled out here. 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined.
 */
const HIGH_CONTROL_RANGE: Record<number, string> = {
  128: '€',
  130: '‚',
  131: 'ƒ',
  132: '„',
  133: '…',
  134: '†',
  135: '‡',
  136: 'ˆ',
  137: '‰',
  138: 'Š',
  139: '‹',
  140: 'Œ',
  142: 'Ž',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
  152: '˜',
  153: '™',
  154: 'š',
  155: '›',
  156: 'œ',
  158: 'ž',
  159: 'Ÿ',
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
