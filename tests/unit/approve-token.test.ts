import { describe, expect, it } from 'vitest';
import { signApproveToken, verifyApproveToken } from '../../src/core/delivery/approve-token.js';
import { signConfirmToken } from '../../src/core/delivery/confirm-token.js';
import { signUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';

const SECRET = 'a-unit-test-secret-long-enough';
const NOW = new Date('2026-11-23T08:00:00.000Z');
const EXPIRES = new Date('2026-11-30T08:00:00.000Z');
const claim = { list: 'news.example.com', issueId: '2026-W47', expiresAt: EXPIRES };

describe('approve links', () => {
  it('carry the list, the issue and the expiry, and show none of them', () => {
    const token = signApproveToken(claim, SECRET);
    expect(token).toMatch(/^p1\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('2026-W47');
    expect(token).not.toContain('news.example.com');
    expect(verifyApproveToken(token, SECRET, NOW)).toEqual({ ok: true, claim });
  });

  it('work until they expire, and then say so', () => {
    const token = signApproveToken(claim, SECRET);
    expect(verifyApproveToken(token, SECRET, new Date(EXPIRES.getTime() - 1)).ok).toBe(true);
    expect(verifyApproveToken(token, SECRET, EXPIRES)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are refused when changed in any character', () => {
    const token = signApproveToken(claim, SECRET);
    for (let index = 3; index < token.length; index += 7) {
      const character = token[index] === 'A' ? 'B' : 'A';
      const tampered = `${token.slice(0, index)}${character}${token.slice(index + 1)}`;
      expect(verifyApproveToken(tampered, SECRET, NOW)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(verifyApproveToken(token.slice(0, -2), SECRET, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyApproveToken(`${token}=`, SECRET, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('are refused under another secret', () => {
    expect(verifyApproveToken(signApproveToken(claim, SECRET), `${SECRET}-rotated`, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it.each([
    [
      'an unsubscribe token',
      signUnsubscribeToken({ list: 'news.example.com', address: 'ana@example.org' }, SECRET),
    ],
    [
      'a confirmation token',
      signConfirmToken({ list: 'news.example.com', address: 'ana@example.org', nonce: 'n' }, SECRET, NOW),
    ],
    [
      'an unsubscribe token given the approve prefix',
      `p1.${signUnsubscribeToken({ list: 'news.example.com', address: '2026-W47' }, SECRET).slice(3)}`,
    ],
    ['an empty string', ''],
    ['the prefix alone', 'p1.'],
  ])('are never %s', (_case, token) => {
    expect(verifyApproveToken(token, SECRET, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});
