import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairMojibake as repair } from '../../src/core/mojibake/repair.js';

const repairMojibake = (text: string) => repair(text).text;

import { asLatinMojibake, asThaiMojibake } from '../helpers/briefings.js';

describe('repairMojibake: UTF-8 read as Windows-874 / TIS-620', () => {
  it.each([
    ['an apostrophe inside a word', 'The mill’s output rose'],
    ['quotes around a phrase', 'officials called it “a turning point” on Friday'],
    ['an em dash between words', 'demand held up—unlike prices—all year'],
    ['an en dash between numbers', 'output for 2024–2025 was flat'],
    ['a closing quote then an em dash', 'the “two hubs”—a plan from 2021'],
    ['a copyright sign and trademark', '© 2026 Ore Ledger™ – daily news'],
    ['a bullet at the start of a line', '• first point'],
    ['accented Latin letters', 'Société Générale and Zürich'],
  ])('restores %s when the C1 bytes were dropped', (_case, original) => {
    expect(repairMojibake(asThaiMojibake(original))).toBe(original);
  });

  it.each([
    ['typographic quotes', 'the “main force” of the sector’s plan'],
    ['dashes', 'range 10–20 tonnes — maybe more'],
    ['an ellipsis and a euro sign', 'costs €40 per tonne…'],
  ])('restores %s exactly when the C1 bytes were kept', (_case, original) => {
    expect(repairMojibake(asThaiMojibake(original, true))).toBe(original);
  });

  it('turns a lost no-break space into a space', () => {
    expect(repairMojibake(asThaiMojibake('goal.\u00a0Next')).replace('\u00a0', ' ')).toBe('goal. Next');
  });

  it.each([
    ['a Thai sentence', 'ภาษาไทยเป็นภาษาราชการของประเทศไทย'],
    ['Thai words that contain the mojibake letters', 'แม่น้ำโขง อาหารอร่อยฉันชอบ โรงเรียน'],
    ['Thai next to English', 'Bangkok (กรุงเทพมหานคร) is the capital'],
    ['Chinese', '包钢集团与清华大学签署战略合作协议'],
    ['French', 'déjà vu, naïve café, Ça va'],
  ])('leaves %s untouched', (_case, text) => {
    expect(repairMojibake(text)).toBe(text);
  });
});

describe('repairMojibake: UTF-8 read as Windows-1252', () => {
  it.each([
    ['accents', 'Société Générale in Zürich'],
    ['an apostrophe', 'the company’s plan'],
    ['quotes whose closing byte was lost', 'he said “yes” and left'],
    ['an em dash', 'prices—finally—fell'],
  ])('restores %s', (_case, original) => {
    expect(repairMojibake(asLatinMojibake(original))).toBe(original);
  });
});

describe('repairMojibake properties', () => {
  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = repairMojibake(text);
        expect(repairMojibake(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('repairs any Latin or punctuation text mangled through Windows-874 with C1 kept', () => {
    const alphabet = fc.constantFrom(...'abc XYZ 123 .,é ü ß ’ “ ” — – … € © ™ •'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const original = chars.join('');
        expect(repairMojibake(asThaiMojibake(original, true))).toBe(original);
      }),
      { numRuns: 300 },
    );
  });
});
