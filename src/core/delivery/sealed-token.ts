import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

/**
 * Opaque, authenticated tokens for links (unsubscribe, confirm): `<prefix><base64url(nonce ‖
 * ciphertext ‖ tag)>`, AES-256-GCM over a JSON array of strings, with a key derived from the list's
 * secret (HKDF-SHA256) under a label that names the kind of token, and a random 96-bit nonce. A
 * link tells whoever sees it nothing about what it carries (only, roughly, its length), and a token
 * can be neither forged nor turned into another kind: changing any character fails the GCM tag,
 * which OpenSSL checks in constant time, and each kind has its own key.
 *
 * Random nonces are safe under one key for about 2^32 tokens (NIST SP 800-38D), some eighty years
 * of a million-reader weekly list; rotating the secret resets the count.
 *
 * @example
 * const kind = { prefix: 'v2.', label: 'digest unsubscribe token v2' };
 * openToken(kind, sealToken(kind, ['weekly.example.com', 'ana@example.org'], secret), secret)
 * // ['weekly.example.com', 'ana@example.org']
 */
export interface TokenKind {
  /** Starts every token of this kind (`v2.`), so kinds and versions can be told apart. */
  prefix: string;
  /** Names the key (HKDF info) and binds the ciphertext to this kind (associated data). */
  label: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function sealToken(kind: TokenKind, values: string[], secret: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(kind.label, secret), nonce, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(kind.label));
  const plaintext = Buffer.from(JSON.stringify(values), 'utf8');
  const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${kind.prefix}${sealed.toString('base64url')}`;
}

/** The values if the token is genuine and of this kind, else undefined. */
export function openToken(kind: TokenKind, token: string, secret: string): string[] | undefined {
  if (!token.startsWith(kind.prefix)) return undefined;
  const encoded = token.slice(kind.prefix.length);
  // Node's base64 decoder skips what it cannot read: insist on the one canonical spelling, so
  // that every change to the token changes the bytes the tag covers.
  if (!BASE64URL.test(encoded)) return undefined;
  const sealed = Buffer.from(encoded, 'base64url');
  if (sealed.length <= NONCE_BYTES + TAG_BYTES || sealed.toString('base64url') !== encoded) return undefined;
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyFor(kind.label, secret), nonce, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(kind.label));
  decipher.setAuthTag(tag);
  try {
    const plaintext = Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return stringsOf(plaintext.toString('utf8'));
  } catch {
    // final() throws when the tag does not match: tampered, cut, or made with another secret.
    return undefined;
  }
}

/** A JSON array of strings, or undefined. */
export function stringsOf(json: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  } catch {
    // Authenticated bytes that are not ours cannot happen without the secret; treat them as invalid.
  }
  return undefined;
}

/** HKDF costs about 9 µs, a third of a message's share of a send: derive each key once. */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 8;

function keyFor(label: string, secret: string): KeyObject {
  const id = `${label}\n${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', label, 32)));
    keys.set(id, key);
  }
  return key;
}
