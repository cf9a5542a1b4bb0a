import { openToken, sealToken, type TokenKind } from './sealed-token.js';
import { CONFIRMATION_DAYS } from './subscriber.js';

/**
 * Confirmation links of a sign-up (double opt-in): `c1.…`, a sealed token (`sealed-token.ts`,
 * under its own key, so an unsubscribe token is never a confirmation and the reverse) over the
 * list, the address, the sign-up's single-use nonce and when the link was made. It expires after
 * `CONFIRMATION_DAYS`; it is used up when the store's nonce for the address changes or is gone
 * (`decideConfirmation`).
 *
 * @example
 * const token = signConfirmToken({ list: 'weekly.example.com', address: 'ana@example.org', nonce }, secret, now);
 * verifyConfirmToken(token, secret, now) // { list, address, nonce, issuedAt }
 */
export interface ConfirmClaim {
  list: string;
  address: string;
  nonce: string;
}

const CONFIRM: TokenKind = { prefix: 'c1.', label: 'digest confirmation token v1' };

export function signConfirmToken(claim: ConfirmClaim, secret: string, now: Date): string {
  return sealToken(CONFIRM, [claim.list, claim.address, claim.nonce, String(now.getTime())], secret);
}

/** The claim if the token is genuine and has not expired at `now`, else undefined. */
export function verifyConfirmToken(
  token: string,
  secret: string,
  now: Date,
): (ConfirmClaim & { issuedAt: Date }) | undefined {
  const values = openToken(CONFIRM, token, secret);
  if (values?.length !== 4) return undefined;
  const [list = '', address = '', nonce = '', issued = ''] = values;
  const issuedAt = new Date(Number(issued));
  const age = now.getTime() - issuedAt.getTime();
  if (!Number.isFinite(age) || age < -60_000 || age > CONFIRMATION_DAYS * 86_400_000) return undefined;
  return { list, address, nonce, issuedAt };
}
