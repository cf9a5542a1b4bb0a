import * as caniemail from 'caniemail';
import { describe, expect, it } from 'vitest';
import { compatibilityOf, KNOWN_FALLBACKS } from '../../src/preview/compatibility.js';

describe('the compatibility panel (caniemail)', () => {
  it('checks Gmail, Outlook, Apple Mail and Yahoo Mail', () => {
    const report = compatibilityOf('<p>x</p>', caniemail);
    expect(report.checked).toEqual(['Gmail', 'Outlook', 'Apple Mail', 'Yahoo Mail']);
    expect(report.dataDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('says nothing is missing for HTML every checked client supports', () => {
    expect(
      compatibilityOf('<table><tr><td style="color:#111">x</td></tr></table>', caniemail).unsupported,
    ).toEqual([]);
  });

  it('names the clients that lack a feature, by family, with the fallback and caniemail’s page', () => {
    const report = compatibilityOf('<div style="border-radius:8px">x</div>', caniemail);
    const feature = report.unsupported.find((entry) => entry.feature === 'border-radius');
    expect(feature).toMatchObject({
      fallback: KNOWN_FALLBACKS['border-radius'],
      url: 'https://www.caniemail.com/features/css-border-radius/',
      line: 1,
    });
    expect(feature?.clients).toEqual([{ family: 'Outlook', platforms: ['Windows', 'Windows Mail'] }]);
  });

  it('lists each feature and each client once, however often the HTML uses the feature', () => {
    const html = '<div style="border-radius:8px">a</div><span style="border-radius:4px">b</span>';
    const found = compatibilityOf(html, caniemail).unsupported.filter(
      (entry) => entry.feature === 'border-radius',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.clients).toEqual([{ family: 'Outlook', platforms: ['Windows', 'Windows Mail'] }]);
  });

  it('puts features with no known fallback first, so they get a look', () => {
    const html = '<div style="border-radius:8px;height:10px;transform:rotate(1deg)">x</div>';
    const { unsupported } = compatibilityOf(html, caniemail);
    const firstKnown = unsupported.findIndex((entry) => entry.fallback !== null);
    expect(firstKnown).toBeGreaterThan(0);
    expect(unsupported.slice(firstKnown).every((entry) => entry.fallback !== null)).toBe(true);
    expect(unsupported[0]?.fallback).toBeNull();
  });

  it('leaves out what caniemail misreads: text-transform is not transform', () => {
    const features = (html: string) =>
      compatibilityOf(html, caniemail).unsupported.map((entry) => entry.feature);
    expect(features('<div style="text-transform:uppercase">x</div>')).not.toContain('transform');
    expect(features('<div style="transform:rotate(1deg)">x</div>')).toContain('transform');
  });

  it('keeps caniemail’s notes as words, without Markdown link targets', () => {
    const report = compatibilityOf('<div style="border-radius:8px">x</div>', caniemail);
    const notes = report.unsupported.flatMap((entry) => entry.notes);
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect(note).not.toMatch(/\]\(/);
  });

  it('counts features only partly supported apart from those missing', () => {
    const report = compatibilityOf('<div style="margin:-4px">x</div>', caniemail);
    expect(report.partial.map((entry) => entry.feature)).toContain('margin');
    expect(report.partial.every((entry) => entry.clients > 0)).toBe(true);
  });
});
