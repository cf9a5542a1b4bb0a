import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe tokens: `<payload>.<signature>`, both base64url. The payload names the list and
 * the address; the signature is HMAC-SHA256 over both with the list's secret, so a token can
 * neither be forged nor moved to another address or list.
 *
 * @example
 * const token = signUnsubscribeToken({ list: 'weekly.example.com', address: 'ana@example.org' }, secret);
 * verifyUnsubscribeToken(token, secret) // { list: 'weekly.example.com', address: 'ana@example.org' }
 */
export interface UnsubscribeClaim {
  list: string;
  address: string;
}

export function signUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  const payload = Buffer.from(JSON.stringify([claim.list, claim.address])).toString('base64url');
  return `${payload}.${signature(payload, secret).toString('base64url')}`;
}

/** The claim if the token is genuine, else undefined. The comparison takes constant time. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | undefined {
  const [payload, signed, extra] = token.split('.');
  if (!payload || !signed || extra !== undefined) return undefined;
  const expected = signature(payload, secret);
  const given = Buffer.from(signed, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [list, address] = value as unknown[];
      if (typeof list === 'string' && typeof address === 'string') return { list, address };
    }
  } catch {
    // A signed payload that is not ours cannot happen without the secret; treat it as invalid.
  }
  return undefined;
}

function signature(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}
