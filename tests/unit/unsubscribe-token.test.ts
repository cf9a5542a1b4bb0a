import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signConfirmToken, verifyConfirmToken } from '../../src/core/delivery/confirm-token.js';
import {
  signUnsubscribeToken,
  type UnsubscribeClaim,
  verifyUnsubscribeToken,
} from '../../src/core/delivery/unsubscribe-token.js';

const SECRET = 'a-secret-of-enough-length';
const LIST = 'weekly.metals.example';
const claim = { list: LIST, address: 'ana@example.org' };
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A token of the first format, as the previous release signed it. */
function legacyToken({ list, address }: UnsubscribeClaim, secret: string): string {
  const payload = Buffer.from(JSON.stringify([list, address])).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

/**
 * Every way the address could show in a token: as itself, in hex, and in base64 or base64url at
 * each of the three byte alignments (the characters that depend on the address alone).
 */
function visibleForms(address: string): string[] {
  const bytes = Buffer.from(address, 'utf8');
  const forms = [address, address.toLowerCase(), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (const shift of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = shifted.toString(encoding).replace(/=+$/, '');
      forms.push(encoded.slice([0, 2, 3][shift], -4));
    }
  }
  // Shorter stretches could turn up in random bytes by chance; six characters cannot, in practice.
  return forms.filter((form) => form.length >= 6);
}

function shows(token: string, address: string): boolean {
  const forms = visibleForms(address);
  const body = Buffer.from(token.replace(/^v2\./, ''), 'base64url');
  return forms.some((form) => token.includes(form)) || body.includes(Buffer.from(address, 'utf8'));
}

const address = fc.oneof(
  fc.emailAddress(),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), fc.domain())
    .map(([local, domain]) => `${local}@${domain}`),
);

describe('unsubscribe tokens', () => {
  it('verify for the address and list they were made for, and only with their secret', () => {
    const token = signUnsubscribeToken(claim, SECRET);
    expect(token).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual(claim);
    expect(verifyUnsubscribeToken(token, 'another-secret-entirely')).toBeUndefined();
  });

  it('never show the address, nor its hex or base64 forms (the old format did)', () => {
    expect(shows(legacyToken(claim, SECRET), claim.address)).toBe(true);
    fc.assert(
      fc.property(address, (email) => {
        const token = signUnsubscribeToken({ list: LIST, address: email }, SECRET);
        expect(shows(token, email)).toBe(false);
        expect(verifyUnsubscribeToken(token, SECRET)).toEqual({ list: LIST, address: email });
      }),
      { numRuns: 300 },
    );
  });

  it('differ each time they are made, so two links cannot be matched to one reader', () => {
    expect(signUnsubscribeToken(claim, SECRET)).not.toBe(signUnsubscribeToken(claim, SECRET));
  });

  it('fail when any one character is changed', () => {
    const token = signUnsubscribeToken(claim, SECRET);
    for (let position = 0; position < token.length; position++) {
      const original = token[position] ?? '';
      for (const replacement of [
        BASE64URL[(BASE64URL.indexOf(original) + 1) % 64],
        BASE64URL[(BASE64URL.indexOf(original) + 32) % 64],
        '.',
        '=',
      ]) {
        if (replacement === original) continue;
        const changed = `${token.slice(0, position)}${replacement}${token.slice(position + 1)}`;
        expect(verifyUnsubscribeToken(changed, SECRET), `${position}: ${changed}`).toBeUndefined();
      }
    }
  });

  it('fail when any byte is changed, cut off or added', () => {
    fc.assert(
      fc.property(address, fc.nat(), fc.integer({ min: 1, max: 255 }), (email, at, flip) => {
        const token = signUnsubscribeToken({ list: LIST, address: email }, SECRET);
        const bytes = Buffer.from(token.slice(3), 'base64url');
        const changed = Buffer.from(bytes);
        changed[at % bytes.length] = (changed[at % bytes.length] ?? 0) ^ flip;
        for (const variant of [changed, bytes.subarray(0, -1), Buffer.concat([bytes, Buffer.of(flip)])])
          expect(verifyUnsubscribeToken(`v2.${variant.toString('base64url')}`, SECRET)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('name the list they were made for, so another list’s page can refuse them', () => {
    const other = signUnsubscribeToken({ list: 'other.example.com', address: claim.address }, SECRET);
    expect(verifyUnsubscribeToken(other, SECRET)?.list).toBe('other.example.com');
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not-a-token'],
    ['a bare prefix', 'v2.'],
    ['too short for a nonce and a tag', `v2.${Buffer.alloc(28).toString('base64url')}`],
    ['padded base64', `${signUnsubscribeToken(claim, SECRET)}==`],
  ])('reject %s', (_case, token) => {
    expect(verifyUnsubscribeToken(token, SECRET)).toBeUndefined();
  });

  it('keep working with several secrets in one process', () => {
    const secrets = Array.from({ length: 12 }, (_, index) => `secret-number-${index}-long-enough`);
    const tokens = secrets.map((secret) => signUnsubscribeToken(claim, secret));
    tokens.forEach((token, index) => {
      expect(verifyUnsubscribeToken(token, secrets[index] ?? '')).toEqual(claim);
      expect(verifyUnsubscribeToken(token, secrets[(index + 1) % secrets.length] ?? '')).toBeUndefined();
    });
  });
});

describe('confirmation tokens', () => {
  const claim = { list: 'weekly.example.com', address: 'ana@example.org', nonce: 'n0nce' };
  const made = new Date('2026-11-20T10:00:00Z');
  const later = (days: number) => new Date(made.getTime() + days * 86_400_000);

  it('verify for seven days, then expire', () => {
    const token = signConfirmToken(claim, SECRET, made);
    expect(verifyConfirmToken(token, SECRET, later(6.9))).toMatchObject({ ...claim, issuedAt: made });
    expect(verifyConfirmToken(token, SECRET, later(7.1))).toBeUndefined();
    expect(verifyConfirmToken(token, `${SECRET}x`, later(1))).toBeUndefined();
  });

  it('are never taken for unsubscribe tokens, nor the other way round', () => {
    const confirm = signConfirmToken(claim, SECRET, made);
    const unsubscribe = signUnsubscribeToken(claim, SECRET);
    expect(verifyUnsubscribeToken(confirm, SECRET)).toBeUndefined();
    expect(verifyConfirmToken(unsubscribe, SECRET, made)).toBeUndefined();
    // The same sealed bytes under the other kind's prefix fail too: each kind has its own key.
    expect(verifyUnsubscribeToken(`v2.${confirm.slice(3)}`, SECRET)).toBeUndefined();
    expect(verifyConfirmToken(`c1.${unsubscribe.slice(3)}`, SECRET, made)).toBeUndefined();
  });

  it('never show the address', () => {
    const token = signConfirmToken(claim, SECRET, made);
    expect(token).not.toContain('ana');
    expect(Buffer.from(token.slice(3), 'base64url').toString('latin1')).not.toContain('ana');
  });
});

describe('tokens of this format made by the previous release', () => {
  it('still verify (the key and the sealed format did not change)', () => {
    const sealedBefore =
      'v2.CfZE035byH-SAf_hEAlEVUZs2dQe16Stq1O9lGXqC5HCJ7iJwTzp_PXsQsal_lKvL97xiTLnpO1eECXdseU43h4mvFM';
    expect(verifyUnsubscribeToken(sealedBefore, 'release-1-secret-0123456789')).toEqual({
      list: 'weekly.example.com',
      address: 'ana@example.org',
    });
  });
});

describe('tokens of the first format (emails sent before v2, accepted for one release)', () => {
  // Made by the previous release's signUnsubscribeToken(claim, SECRET).
  const issued =
    'WyJ3ZWVrbHkubWV0YWxzLmV4YW1wbGUiLCJhbmFAZXhhbXBsZS5vcmciXQ.w3n_SjaGlyOqqwUxFdxu06RAVplhpq8xOUf42dK_ocA';

  it('still verify', () => {
    expect(verifyUnsubscribeToken(issued, SECRET)).toEqual(claim);
    expect(legacyToken(claim, SECRET)).toBe(issued);
  });

  it.each([
    ['another secret', issued, 'another-secret-entirely'],
    [
      'a changed address',
      `${Buffer.from(JSON.stringify([LIST, 'eve@example.org'])).toString('base64url')}.${issued.split('.')[1]}`,
      SECRET,
    ],
    ['a cut signature', issued.slice(0, -4), SECRET],
    ['a changed last character', `${issued.slice(0, -1)}${issued.endsWith('A') ? 'B' : 'A'}`, SECRET],
    ['a third part', `${issued}.x`, SECRET],
  ])('fail with %s', (_case, token, secret) => {
    expect(verifyUnsubscribeToken(token, secret)).toBeUndefined();
  });
});
