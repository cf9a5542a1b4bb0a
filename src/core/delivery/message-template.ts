import { randomBytes } from 'node:crypto';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp/index.js';
import { escapeHtml, personalize } from '../render/personalize.js';
import {
  composeMessage,
  type ListIdentity,
  messageIdFor,
  unsubscribeLink,
  unsubscribeMailto,
} from './compose.js';
import type { IssueContent } from './issue.js';
import { signUnsubscribeToken } from './unsubscribe-token.js';

export type { IssueContent } from './issue.js';

export interface Recipient {
  email: string;
  token: string;
}

/** Builds one recipient's complete message. */
export type MessageFactory = (
  email: string,
) => Promise<{ to: string; from: string; raw: Buffer; messageId: string }>;

/**
 * Composes the issue's MIME message once, with the MIME library, around unique markers, and then
 * makes each recipient's message by writing their address, unsubscribe link, Message-ID and date
 * over the markers. Composing 50 KB of HTML costs about 2 ms; the substitution a few microseconds,
 * which is what lets a send keep up with thousands of recipients a second.
 *
 * Bodies are quoted-printable, so a marker may have been split by a soft line break: the search
 * allows for that, and values are written encoded and wrapped, between soft breaks of their own.
 * An address that is not plain ASCII is composed the slow way, by the library, in full.
 */
export async function createMessageFactory(
  issue: IssueContent,
  context: { identity: ListIdentity; unsubscribeSecret: string },
): Promise<MessageFactory> {
  const { identity } = context;
  const nonce = randomBytes(6).toString('hex').toUpperCase();
  const marker = (kind: string) => `Z${kind}${nonce}Z`;
  const markers = {
    to: marker('TO'),
    html: marker('UH'),
    text: marker('UT'),
    list: marker('LU'),
    id: marker('ID'),
  };
  const { placeholders } = issue.template;
  // Replacer functions: a `$&` or `$'` in a value is written as it is.
  const body = {
    html: issue.template.html
      .replaceAll(placeholders.unsubscribeUrl, () => markers.html)
      .replaceAll(placeholders.viewInBrowserUrl, () => escapeHtml(issue.viewInBrowserUrl)),
    text: issue.template.text
      .replaceAll(placeholders.unsubscribeUrl, () => markers.text)
      .replaceAll(placeholders.viewInBrowserUrl, () => issue.viewInBrowserUrl),
  };
  const { raw } = await composeMessage({
    identity,
    to: `${markers.to}@example.invalid`,
    subject: issue.subject,
    ...body,
    unsubscribeToken: '',
    issueId: issue.issueId,
    date: new Date(0),
    listUnsubscribe: markers.list,
    messageId: `<${markers.id}@example.invalid>`,
  });
  const composed = raw.toString('latin1');
  const headerEnd = composed.indexOf('\r\n\r\n');
  const headers = composed.slice(0, headerEnd);
  const bodies = composed.slice(headerEnd);
  const inBody = (value: string) => new RegExp(value.split('').join('(?:=\\r\\n)?'), 'g');
  const htmlMarker = inBody(markers.html);
  const textMarker = inBody(markers.text);
  const usable =
    headers.includes(`${markers.to}@example.invalid`) &&
    headers.includes(markers.list) &&
    headers.includes(`<${markers.id}@example.invalid>`) &&
    /^Date: .*$/m.test(headers);

  const slow: MessageFactory = async (email) => {
    const token = signUnsubscribeToken({ list: identity.listId, address: email }, context.unsubscribeSecret);
    const links = {
      unsubscribeUrl: unsubscribeLink(identity, token),
      viewInBrowserUrl: issue.viewInBrowserUrl,
    };
    const message = await composeMessage({
      identity,
      to: email,
      subject: issue.subject,
      ...personalize(issue.template, links),
      unsubscribeToken: token,
      issueId: issue.issueId,
      date: new Date(),
    });
    return { to: email, from: identity.from, ...message };
  };
  if (!usable) return slow;

  return async (email) => {
    if (!/^[\x21-\x7e]+$/.test(email)) return slow(email);
    const token = signUnsubscribeToken({ list: identity.listId, address: email }, context.unsubscribeSecret);
    const url = unsubscribeLink(identity, token);
    const messageId = messageIdFor(identity, issue.issueId, email);
    const date = `Date: ${new Date().toUTCString().replace(/GMT/, '+0000')}`;
    const personalHeaders = headers
      .replace(`${markers.to}@example.invalid`, () => email)
      .replace(markers.list, () => `<${url}>,\r\n <${unsubscribeMailto(identity, token)}>`)
      .replace(`<${markers.id}@example.invalid>`, () => messageId)
      .replace(/^Date: .*$/m, () => date);
    const htmlLink = quotedPrintable(escapeHtml(url));
    const textLink = quotedPrintable(url);
    const personalBodies = bodies.replace(htmlMarker, () => htmlLink).replace(textMarker, () => textLink);
    return {
      to: email,
      from: identity.from,
      raw: Buffer.from(personalHeaders + personalBodies, 'latin1'),
      messageId,
    };
  };
}

/** A value for a quoted-printable body: encoded, wrapped, and set between soft line breaks. */
function quotedPrintable(value: string): string {
  return `=\r\n${wrapQuotedPrintable(encodeQuotedPrintable(Buffer.from(value, 'utf8')), 76)}=\r\n`;
}
