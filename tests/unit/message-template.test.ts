import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMessage, unsubscribeLink } from '../../src/core/delivery/compose.js';
import { createMessageFactory } from '../../src/core/delivery/message-template.js';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';
import { personalize } from '../../src/core/render/render.js';
import { IDENTITY, ISSUE, SECRET } from '../helpers/sending.js';

const { unsubscribeUrl: U, viewInBrowserUrl: V } = ISSUE.template.placeholders;

/** What the MIME library makes when it composes one recipient's message from scratch. */
async function composedInFull(issue: typeof ISSUE, email: string) {
  const token = signUnsubscribeToken({ list: IDENTITY.listId, address: email }, SECRET);
  const body = personalize(issue.template, {
    unsubscribeUrl: unsubscribeLink(IDENTITY, token),
    viewInBrowserUrl: issue.viewInBrowserUrl,
  });
  return (
    await composeMessage({
      identity: IDENTITY,
      to: email,
      subject: issue.subject,
      ...body,
      unsubscribeToken: token,
      issueId: issue.issueId,
      date: new Date(),
    })
  ).raw;
}

/** Tokens differ each time one is made (random nonce): compare what each one says instead. */
function readTokens(text: string | false | undefined) {
  return typeof text === 'string'
    ? text.replace(/v2\.[\w-]+/g, (token) => {
        const claim = verifyUnsubscribeToken(token, SECRET);
        return claim ? `<token for ${claim.address} on ${claim.list}>` : '<invalid token>';
      })
    : text;
}

function essentials(mail: ParsedMail) {
  return {
    to: mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined,
    from: mail.from?.text,
    subject: mail.subject,
    messageId: mail.messageId,
    // mailparser reads every List-* header into one structured `list` value.
    list: readTokens(JSON.stringify(mail.headers.get('list'))),
    text: readTokens(mail.text),
    html: readTokens(mail.html),
  };
}

describe('createMessageFactory', () => {
  it.each([
    ['a small issue', ISSUE],
    [
      'a long, non-Latin issue with markers at awkward places',
      {
        ...ISSUE,
        subject: 'Неделя 47: ทองแดง — 銅の生産',
        template: {
          html: `<p>${'ภาษาไทย และ Русский текст '.repeat(400)}</p><a href="${U}">x</a>${'é'.repeat(71)}<a href="${U}">y</a><a href="${V}">v</a>`,
          text: `${'x'.repeat(75)}${U}\n${'long line '.repeat(50)}${U}`,
          placeholders: ISSUE.template.placeholders,
        },
      },
    ],
  ])('makes the same message as composing in full, for %s', async (_case, issue) => {
    const factory = await createMessageFactory(issue, { identity: IDENTITY, unsubscribeSecret: SECRET });
    for (const email of ['ana@example.org', 'b.o+news@sub.example.co.uk']) {
      const fast = await factory(email);
      const [quick, full] = await Promise.all([
        simpleParser(fast.raw),
        simpleParser(await composedInFull(issue, email)),
      ]);
      expect(essentials(quick)).toEqual(essentials(full));
      expect(fast.messageId).toBe(quick.messageId);
    }
  });

  it('ends every line with CRLF, as RFC 5322 requires, in the fast and the full composition', async () => {
    const factory = await createMessageFactory(ISSUE, { identity: IDENTITY, unsubscribeSecret: SECRET });
    for (const raw of [(await factory('ana@example.org')).raw, (await factory('ünï@example.org')).raw]) {
      const text = raw.toString('latin1');
      expect(text).not.toMatch(/(?<!\r)\n/);
      expect(text).not.toMatch(/\r(?!\n)/);
    }
  });

  it('keeps every line of the message within 998 characters and quoted-printable lines within 76', async () => {
    const factory = await createMessageFactory(ISSUE, { identity: IDENTITY, unsubscribeSecret: SECRET });
    const raw = (await factory(`${'long.local.part'.repeat(3)}@example.org`)).raw.toString('latin1');
    const [, body = ''] = raw.split('\r\n\r\n', 2);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });
});
