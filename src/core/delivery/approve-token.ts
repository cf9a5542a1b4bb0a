import { openToken, sealToken, type TokenKind } from './sealed-token.js';

/**
 * Approve links of a draft copy: `p1.…`, a sealed token (`sealed-token.ts`, under its own key, so
 * no unsubscribe or confirmation token is ever an approval, nor the reverse) over the list, the
 * issue and when the link stops working. It names no editor: every editor's copy carries the same
 * link, and whoever holds it may approve that one issue of that one list until it expires.
 *
 * @example
 * const token = signApproveToken({ list: 'weekly.example.com', issueId: '2026-W47', expiresAt }, secret);
 * verifyApproveToken(token, secret, now) // { ok: true, claim: { list, issueId, expiresAt } }
 */
export interface ApproveClaim {
  list: string;
  issueId: string;
  expiresAt: Date;
}

export type ApproveTokenCheck =
  | { ok: true; claim: ApproveClaim }
  | { ok: false; reason: 'invalid' | 'expired' };

const APPROVE: TokenKind = { prefix: 'p1.', label: 'digest approval token v1' };

export function signApproveToken(claim: ApproveClaim, secret: string): string {
  return sealToken(APPROVE, [claim.list, claim.issueId, String(claim.expiresAt.getTime())], secret);
}

/** The claim if the token is genuine and `now` is before its expiry; else why not. */
export function verifyApproveToken(token: string, secret: string, now: Date): ApproveTokenCheck {
  const values = openToken(APPROVE, token, secret);
  if (values?.length !== 3) return { ok: false, reason: 'invalid' };
  const [list = '', issueId = '', expires = ''] = values;
  const expiresAt = new Date(Number(expires));
  if (!Number.isFinite(expiresAt.getTime()) || !list || !issueId) return { ok: false, reason: 'invalid' };
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim: { list, issueId, expiresAt } };
}
