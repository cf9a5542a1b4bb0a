import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine, formulaSafe, withoutFormulaGuard } from '../../src/adapters/csv.js';
import { STATUS_CHOICES } from '../../src/cli/commands.js';
import { normalizeAddress } from '../../src/core/delivery/address.js';
import { knownStatus, SUBSCRIBER_STATUSES, unknownStatusReason } from '../../src/core/delivery/subscriber.js';

describe('formula-safe cells', () => {
  it.each([
    ['=HYPERLINK("https://evil.example")', `'=HYPERLINK("https://evil.example")`],
    ['+1 555 0100', `'+1 555 0100`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ["'=already guarded", `''=already guarded`],
  ])('puts a quote before %j so a spreadsheet shows it as text', (cell, safe) => {
    expect(formulaSafe(cell)).toBe(safe);
  });

  it.each(['Ana Silva', "O'Brien", "'quoted'", 'ana@example.org', '2026-11-23T00:00:00.000Z', ''])(
    'leaves %j as it is',
    (cell) => {
      expect(formulaSafe(cell)).toBe(cell);
    },
  );

  it('gives back every value exactly once the guard is removed', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', 'a', ' ') }),
        (cell) => {
          expect(withoutFormulaGuard(formulaSafe(cell))).toBe(cell);
        },
      ),
    );
  });

  it('quotes cells that hold commas, quotes, line breaks or edge spaces', () => {
    expect(csvLine(['=SUM(A1)', 'Chen, Wei', 'say "hi"', 'two\nlines', ' padded'])).toBe(
      `'=SUM(A1),"Chen, Wei","say ""hi""","two\nlines"," padded"`,
    );
  });
});

describe('statuses', () => {
  it.each([
    ['active', 'active'],
    [' Bounced ', 'bounced'],
    ['COMPLAINED', 'complained'],
    ['Pending', 'pending'],
    ['forgotten', 'forgotten'],
  ])('reads %j as %j', (raw, status) => {
    expect(knownStatus(raw)).toBe(status);
  });

  it.each(['paused', 'pending_review', '', 'actif', undefined, 3])(
    'treats %j as a status it does not know (suppressed)',
    (raw) => {
      expect(knownStatus(raw)).toBeUndefined();
    },
  );

  it('offers every status the stores know to --status, and no other', () => {
    expect(STATUS_CHOICES).toEqual([...SUBSCRIBER_STATUSES]);
  });

  it('never prints an address found in the status cell', () => {
    expect(unknownStatusReason('ben@example.com')).toBe(
      'the status cell is not one of active, pending, unsubscribed, bounced, complained, forgotten',
    );
    expect(unknownStatusReason('paused')).toBe(
      'status "paused" is not one of active, pending, unsubscribed, bounced, complained, forgotten',
    );
  });
});

describe('address reasons', () => {
  it.each([
    ['ana.silva@example', '"a***@example" is not a valid email address'],
    ['Ana Silva <ana.silva@example.org>', '"A***@example.org>" is not a single plain email address'],
    ['ana.silva@example.org\nBcc: ben@example.com', '"a***@example.com" is not a single plain email address'],
    ['ana.silva', 'not an email address (no @)'],
  ])('says why %j is not an address without showing it', (raw, reason) => {
    expect(normalizeAddress(raw)).toEqual({ ok: false, reason });
  });
});
