import { createHash, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { collapseSpaces } from '../ingest/clean.js';
import { escapeHtml } from '../render/personalize.js';

/** The sending identity and list headers, from configuration. */
export interface ListIdentity {
  /** `The Weekly Briefing <digest@example.com>` */
  from: string;
  replyTo?: string;
  /** The List-Id value, a domain-like name: `weekly-briefing.example.com`. */
  listId: string;
  newsletterName: string;
  /** The one-click unsubscribe endpoint; the token is added as `?t=`. */
  unsubscribeUrl: string;
  /** Address for mailto: unsubscribes. */
  unsubscribeMailto: string;
}

export interface MessageInput {
  identity: ListIdentity;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** This recipient's unsubscribe token. */
  unsubscribeToken: string;
  issueId: string;
  date: Date;
  /** Overrides the List-Unsubscribe value and the Message-ID (the message template uses markers). */
  listUnsubscribe?: string;
  messageId?: string;
}

/** The recipient's one-click unsubscribe link. */
export function unsubscribeLink(identity: ListIdentity, token: string): string {
  const url = new URL(identity.unsubscribeUrl);
  url.searchParams.set('t', token);
  return url.toString();
}

/**
 * Builds one complete message (RFC 5322, multipart/alternative, UTF-8) with the list headers
 * Gmail and Yahoo require of bulk senders, including RFC 8058 one-click unsubscribe.
 */
export async function composeMessage(input: MessageInput): Promise<{ raw: Buffer; messageId: string }> {
  const { identity } = input;
  const oneClick = unsubscribeLink(identity, input.unsubscribeToken);
  const id = input.messageId ?? messageIdFor(identity, input.issueId, input.to);
  const composer = new MailComposer({
    from: identity.from,
    to: input.to,
    ...(identity.replyTo ? { replyTo: identity.replyTo } : {}),
    // Header values never carry line breaks, whatever a briefing contained.
    subject: collapseSpaces(input.subject),
    // Quoted-printable whatever the script: readable in any client, and the encoding the
    // message template knows how to personalise.
    // RFC 5322 lines end in CRLF; quoted-printable keeps the content's own line breaks as they are.
    text: { content: crlf(input.text), contentTransferEncoding: 'quoted-printable' },
    html: { content: crlf(input.html), contentTransferEncoding: 'quoted-printable' },
    date: input.date,
    messageId: id,
    headers: {
      'List-Id': `${collapseSpaces(identity.newsletterName).replace(/[<>"]/g, '')} <${identity.listId}>`,
      'List-Unsubscribe':
        input.listUnsubscribe ?? `<${oneClick}>, <${unsubscribeMailto(identity, input.unsubscribeToken)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  return { raw: await composer.compile().build(), messageId: id };
}

function crlf(content: string): string {
  return content.replace(/\r?\n/g, '\r\n');
}

/** The mailto: unsubscribe address, with the token in the subject so the mailbox can act on it. */
export function unsubscribeMailto(identity: ListIdentity, token: string): string {
  return `mailto:${identity.unsubscribeMailto}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
}

/** Stable per issue and recipient, so a resent message keeps its identity. */
export function messageIdFor(identity: ListIdentity, issueId: string, to: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(identity.from)?.[1] ?? 'localhost';
  const hash = createHash('sha256').update(`${issueId}\n${to}`).digest('hex').slice(0, 24);
  return `<${issueId.replace(/[^\w.-]/g, '-')}.${hash}@${domain}>`;
}

/**
 * The confirmation message of a sign-up (double opt-in): one link, what it does and for how long,
 * and that ignoring it is enough. It is not list mail, so it has no List-Unsubscribe headers;
 * the address gets nothing else until the link is followed.
 */
export async function composeConfirmation(input: {
  identity: Pick<ListIdentity, 'from' | 'replyTo' | 'newsletterName'>;
  to: string;
  confirmUrl: string;
  days: number;
  date: Date;
}): Promise<{ raw: Buffer; messageId: string }> {
  const name = collapseSpaces(input.identity.newsletterName);
  const text = [
    `Someone, hopefully you, asked to receive ${name} at this address.`,
    '',
    `To confirm, open this link within ${input.days} days and press the button:`,
    input.confirmUrl,
    '',
    'If it was not you, ignore this message: this address gets nothing more from us.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2937;line-height:1.6">
<p>Someone, hopefully you, asked to receive <strong>${escapeHtml(name)}</strong> at this address.</p>
<p><a href="${escapeHtml(input.confirmUrl)}" style="display:inline-block;background:#4338ca;color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:bold">Confirm my subscription</a></p>
<p>The link works for ${input.days} days. If it was not you, ignore this message: this address gets nothing more from us.</p>
</body></html>`;
  const domain = /@([^>\s]+)>?\s*$/.exec(input.identity.from)?.[1] ?? 'localhost';
  const messageId = `<confirm.${randomUUID()}@${domain}>`;
  const composer = new MailComposer({
    from: input.identity.from,
    to: input.to,
    ...(input.identity.replyTo ? { replyTo: input.identity.replyTo } : {}),
    subject: `Confirm your subscription to ${name}`,
    text: { content: crlf(text), contentTransferEncoding: 'quoted-printable' },
    html: { content: crlf(html), contentTransferEncoding: 'quoted-printable' },
    date: input.date,
    messageId,
  });
  return { raw: await composer.compile().build(), messageId };
}
