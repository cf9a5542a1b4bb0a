import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Unsubscribe tokens are opaque: `v2.<base64url(nonce ‖ ciphertext ‖ tag)>`, AES-256-GCM over the
 * list and the address, with a key derived from the list's secret (HKDF-SHA256) and a random 96-bit
 * nonce. A link tells whoever sees it nothing about the address (only, roughly, its length), and a
 * token can be neither forged nor moved to another address or list: changing any character fails
 * the GCM tag, which OpenSSL checks in constant time.
 *
 * The list travels inside the ciphertext rather than as associated data so that a token verifies
 * on its own (`verifyUnsubscribeToken(token, secret)`); the page then requires the token's list to
 * be its own. Random nonces are safe under one key for about 2^32 tokens (NIST SP 800-38D), some
 * eighty years of a million-reader weekly list; rotating the secret resets the count.
 *
 * @example
 * const token = signUnsubscribeToken({ list: 'weekly.example.com', address: 'ana@example.org' }, secret);
 * verifyUnsubscribeToken(token, secret) // { list: 'weekly.example.com', address: 'ana@example.org' }
 */
export interface UnsubscribeClaim {
  list: string;
  address: string;
}

const PREFIX = 'v2.';
/** Names the key (HKDF info) and binds the ciphertext to this format (associated data). */
const LABEL = 'digest unsubscribe token v2';
const ASSOCIATED_DATA = Buffer.from(LABEL);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function signUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(ASSOCIATED_DATA);
  const plaintext = Buffer.from(JSON.stringify([claim.list, claim.address]), 'utf8');
  const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${sealed.toString('base64url')}`;
}

/** The claim if the token is genuine, else undefined. Tags and signatures are compared in constant time. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | undefined {
  return token.startsWith(PREFIX)
    ? open(token.slice(PREFIX.length), secret)
    : verifyLegacyToken(token, secret);
}

function open(encoded: string, secret: string): UnsubscribeClaim | undefined {
  // Node's base64 decoder skips what it cannot read: insist on the one canonical spelling, so
  // that every change to the token changes the bytes the tag covers.
  if (!BASE64URL.test(encoded)) return undefined;
  const sealed = Buffer.from(encoded, 'base64url');
  if (sealed.length <= NONCE_BYTES + TAG_BYTES || sealed.toString('base64url') !== encoded) return undefined;
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(ASSOCIATED_DATA);
  decipher.setAuthTag(tag);
  try {
    const plaintext = Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return claimOf(plaintext.toString('utf8'));
  } catch {
    // final() throws when the tag does not match: tampered, cut, or made with another secret.
    return undefined;
  }
}

/** HKDF costs about 9 µs, a third of a message's share of a send: derive each secret's key once. */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 8;

function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', LABEL, 32)));
    keys.set(secret, key);
  }
  return key;
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
  return claimOf(Buffer.from(payload, 'base64url').toString('utf8'));
}

function claimOf(json: string): UnsubscribeClaim | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value) && value.length === 2) {
      const [list, address] = value as unknown[];
      if (typeof list === 'string' && typeof address === 'string') return { list, address };
    }
  } catch {
    // Authenticated bytes that are not ours cannot happen without the secret; treat them as invalid.
  }
  return undefined;
}
