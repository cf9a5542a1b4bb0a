import * as z from 'zod';

const emailSchema = z.email();

export type AddressResult = { ok: true; email: string } | { ok: false; reason: string };

/**
 * Normalises and validates a subscriber address: trimmed, NFC, lower-cased, and a plain
 * `local@domain` with nothing a mail header could be tricked with.
 *
 * @example
 * normalizeAddress('  Ana.Silva@Example.ORG ') // { ok: true, email: 'ana.silva@example.org' }
 */
export function normalizeAddress(raw: string): AddressResult {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email === '') return { ok: false, reason: 'the address is empty' };
  if (/[\s<>,;"()\\[\]]/u.test(email))
    return { ok: false, reason: `"${raw.trim()}" is not a single plain email address` };
  if (!emailSchema.safeParse(email).success)
    return { ok: false, reason: `"${raw.trim()}" is not a valid email address` };
  return { ok: true, email };
}

/**
 * An address as it may appear in logs and summaries: enough to recognise, not enough to harvest.
 *
 * @example
 * maskAddress('ana.silva@example.org') // 'a***@example.org'
 */
export function maskAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
