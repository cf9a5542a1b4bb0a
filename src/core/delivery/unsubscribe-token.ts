import { createHmac, timingSafeEqual } from 'node:crypto';
import { openToken, sealToken, stringsOf, type TokenKind } from './sealed-token.js';

/**
 * Unsubscribe tokens are opaque: `v2.…`, a sealed token (`sealed-token.ts`) over the list and the
 * address. A link tells whoever sees it nothing about the address, and a token can be neither
 * forged nor moved to another address or list.
 *
 * The list travels inside the ciphertext rather than as associated data so that a token verifies
 * on its own (`verifyUnsubscribeToken(token, secret)`); the page then requires the token's list to
 * be its own.
 *
 * @example
 * const token = signUnsubscribeToken({ list: 'weekly.example.com', address: 'ana@example.org' }, secret);
 * verifyUnsubscribeToken(token, secret) // { list: 'weekly.example.com', address: 'ana@example.org' }
 */
export interface UnsubscribeClaim {
  list: string;
  address: string;
}

const UNSUBSCRIBE: TokenKind = { prefix: 'v2.', label: 'digest unsubscribe token v2' };

export function signUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  return sealToken(UNSUBSCRIBE, [claim.list, claim.address], secret);
}

/** The claim if the token is genuine, else undefined. Tags and signatures are compared in constant time. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | undefined {
  if (!token.startsWith(UNSUBSCRIBE.prefix)) return verifyLegacyToken(token, secret);
  return claimOf(openToken(UNSUBSCRIBE, token, secret));
}

/**
 * The first format, `<base64url(JSON [list, address])>.<HMAC-SHA256>`, which shows the address to
 * anyone who reads the link. Emails sent before v2 still carry it, so this release still accepts
 * it; the next release removes this function (README "Deploy", step 9).
 */
function verifyLegacyToken(token: string, secret: string): UnsubscribeClaim | undefined {
  const [payload, signed, extra] = token.split('.');
  if (!payload || !signed || extra !== undefined) return undefined;
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(signed, 'base64url');
  if (given.toString('base64url') !== signed) return undefined;
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return claimOf(stringsOf(Buffer.from(payload, 'base64url').toString('utf8')));
}

function claimOf(values: string[] | undefined): UnsubscribeClaim | undefined {
  if (values?.length !== 2) return undefined;
  const [list = '', address = ''] = values;
  return { list, address };
}
