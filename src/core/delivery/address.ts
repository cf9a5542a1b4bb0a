import * as z from 'zod';

const emailSchema = z.email();

export type AddressResult = { ok: true; email: string } | { ok: false; reason: string };

/**
 * Normalises and validates a subscriber address: trimmed, NFC, lower-cased, and a plain
 * `local@domain` with nothing a mail header could be tricked with. A reason never shows the
 * address in clear, only masked (it ends up in reports and logs).
 *
 * @example
 * normalizeAddress('  Ana.Silva@Example.ORG ') // { ok: true, email: 'ana.silva@example.org' }
 */
export function normalizeAddress(raw: string): AddressResult {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email === '') return { ok: false, reason: 'the address is empty' };
  if (!email.includes('@')) return { ok: false, reason: 'not an email address (no @)' };
  if (/[\s<>,;"()\\[\]]/u.test(email))
    return { ok: false, reason: `${maskedForReport(raw)} is not a single plain email address` };
  // RFC 5321's limits: a mail server refuses longer ones, so they could never be delivered to.
  if (email.length > 254 || email.lastIndexOf('@') > 64)
    return { ok: false, reason: `${maskedForReport(raw)} is longer than an email address can be` };
  if (!emailSchema.safeParse(email).success)
    return { ok: false, reason: `${maskedForReport(raw)} is not a valid email address` };
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

/** A rejected address, masked and quoted, with control characters escaped so a report stays one line. */
function maskedForReport(raw: string): string {
  return JSON.stringify(maskAddress(raw.trim()));
}
