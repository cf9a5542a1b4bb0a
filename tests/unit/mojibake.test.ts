import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairMojibake } from '../../src/core/ingest/mojibake/repair.js';
import { LOSSY, type Misreading, misread, RECOVERABLE } from '../helpers/misread.js';
import { anyPosition, briefingText, cleanText, sameDashes } from '../helpers/sentences.js';

const repaired = (text: string) => repairMojibake(text).text;

describe('repairMojibake restores text whose bytes all survived', () => {
  it.each(RECOVERABLE)('UTF-8 misread as %s, in generated briefing text', (how) => {
    fc.assert(
      fc.property(briefingText, (original) => {
        expect(repaired(misread(original, how))).toBe(original);
      }),
      { numRuns: 400 },
    );
  });

  it.each(RECOVERABLE)('UTF-8 misread as %s, any character at any position', (how) => {
    fc.assert(
      fc.property(anyPosition, (original) => {
        expect(repaired(misread(original, how))).toBe(original);
      }),
      { numRuns: 400 },
    );
  });

  it.each<[string, string, Misreading]>([
    ['the subject line of the trial', '• Prices fell as Chile’s output slipped', 'tis-620 (C1 kept)'],
    ['an en dash between years', '2024–2025', 'tis-620 (C1 kept)'],
    ['a quoted phrase', '“a shift” in policy', 'tis-620 (C1 kept)'],
    ['a possessive with C1 kept', 'Peru’s exports', 'latin1'],
    ['a line-initial bullet with C1 kept', '• Copper rose', 'latin1'],
    ['mojibake beside a real accent', 'René’s café', 'windows-1252'],
  ])('%s', (_case, original, how) => {
    expect(repaired(misread(original, how))).toBe(original);
  });

  it('undoes double encoding (Ã¢â‚¬â„¢ → ’)', () => {
    expect(repaired('Itâ€™s')).toBe('It’s');
    expect(repaired('ItÃ¢â‚¬â„¢s')).toBe('It’s');
  });

  it('repairs a run next to real accented letters, NBSP and Thai', () => {
    expect(repaired('Renéâ€™s\u00a0cafÃ© in กรุงเทพ')).toBe('René’s\u00a0café in กรุงเทพ');
  });
});

describe('repairMojibake restores text whose C1 bytes were lost (context rules)', () => {
  // Fixed seed: the share is a measurement of the rules, not a random draw that may flake.
  const sentences = fc.sample(briefingText, { numRuns: 1000, seed: 20261125 });

  it.each(LOSSY)('restores at least 85%% of whole generated texts misread as %s', (how) => {
    const restored = sentences.filter(
      (original) => sameDashes(repaired(misread(original, how))) === sameDashes(original),
    );
    expect(restored.length / sentences.length).toBeGreaterThanOrEqual(0.85);
  });

  it.each<[string, string]>([
    ['an apostrophe in a word', 'China’s exports'],
    ['an unspaced em dash between words', 'coordination—tighter coupling'],
    ['a closing quote then an em dash', 'the “two hubs”—a plan'],
    ['an en dash between numbers', 'output for 2024–2025'],
    ['a spaced dash', 'prices rose – again'],
    ['a bullet at the start of a line', '• first point'],
    ['a trademark after a word', 'Ore Ledger™ daily'],
    ['a plural possessive', 'the firms’ plans'],
    ['an elided name', 'O’Brien said'],
    ['an ellipsis and a euro sign', 'costs €40 a tonne…'],
    ['a multiplication sign', '3×4 and 10× faster'],
  ])('%s', (_case, original) => {
    for (const how of LOSSY) expect(sameDashes(repaired(misread(original, how)))).toBe(sameDashes(original));
  });
});

describe('repairMojibake never damages clean text', () => {
  it('leaves Thai, CJK, Greek, Cyrillic, accented Latin and typography unchanged', () => {
    fc.assert(
      fc.property(cleanText, (text) => {
        expect(repaired(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['accented capitals before an ellipsis', 'CAFÉ… IRMÃ… ZÜRICH…'],
    ['accented capitals before a trademark sign', 'SKÅ™ ÉTÉ™ GENÄ™'],
    ['accented capitals before an em dash', 'IRMÃ— the ÅÄ— CAFÉ—'],
    ['accented capitals before a no-break space', 'IRMÃ\u00a0and ÅLAND PÅ\u00a0Ä\u00a0X'],
    ['Thai words that contain the mojibake letters', 'แม่น้ำโขง อาหารอร่อยฉันชอบ โรงเรียน ไทย\u00a0ข่าว'],
    ['Thai next to English', 'Bangkok (กรุงเทพมหานคร) is the capital'],
    ['symbols', '€40, 20 °C, 3×4, © 2026, Brand®, 1½ km, ±2%'],
  ])('leaves %s untouched', (_case, text) => {
    expect(repaired(text)).toBe(text);
  });

  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = repaired(text);
        expect(repaired(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('repairMojibake says what it repaired', () => {
  it.each<[Misreading, string]>([
    ['windows-1252', 'utf8-as-windows-1252'],
    ['latin1', 'utf8-as-latin1'],
    ['windows-874', 'utf8-as-windows-874'],
    ['tis-620 (C1 kept)', 'utf8-as-tis-620'],
    ['tis-620 (C1 dropped)', 'utf8-as-tis-620-bytes-lost'],
  ])('names UTF-8 misread as %s', (how, kind) => {
    const { repairs } = repairMojibake(misread('Chile’s output—up 4%—rose', how));
    expect([...repairs.keys()]).toEqual([kind]);
    expect(repairs.get(kind as never)).toBe(3);
  });

  it('names double encoding', () => {
    expect([...repairMojibake('ItÃ¢â‚¬â„¢s').repairs]).toContainEqual(['double-encoded', 1]);
  });

  it('reports nothing for clean text', () => {
    expect(repairMojibake('China’s “main force” — déjà vu').repairs.size).toBe(0);
  });
});
