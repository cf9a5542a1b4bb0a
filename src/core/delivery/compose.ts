import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { collapseSpaces } from '../ingest/clean.js';

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
