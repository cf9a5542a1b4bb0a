import { describe, expect, it } from 'vitest';
import { composeMessage, unsubscribeLink } from '../../src/core/delivery/compose.js';
import { signUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';

const identity = {
  from: 'Metals Weekly <news@metals.example>',
  listId: 'weekly.metals.example',
  newsletterName: 'Metals Weekly',
  unsubscribeUrl: 'https://metals.example/unsubscribe',
  unsubscribeMailto: 'unsubscribe@metals.example',
};
const SECRET = 'a-secret-of-enough-length';

async function message(subject: string) {
  const token = signUnsubscribeToken({ list: identity.listId, address: 'ana@example.org' }, SECRET);
  const { raw } = await composeMessage({
    identity,
    to: 'ana@example.org',
    subject,
    html: '<p>Hello</p>',
    text: 'Hello',
    unsubscribeToken: token,
    issueId: '2026-W47',
    date: new Date('2026-11-23T08:00:00Z'),
  });
  const text = raw.toString('utf8');
  return { token, text, headers: text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ') };
}

describe('composeMessage', () => {
  it('writes the list headers Gmail and RFC 8058 require', async () => {
    const { headers, token } = await message('Week 47: Copper');
    expect(headers).toContain(
      `List-Unsubscribe: <${unsubscribeLink(identity, token)}>, <mailto:unsubscribe@metals.example?subject=unsubscribe%20${token}>`,
    );
    expect(headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(headers).toContain('List-ID: Metals Weekly <weekly.metals.example>');
    expect(headers).toMatch(/Message-ID: <2026-W47\.[0-9a-f]{24}@metals\.example>/);
    expect(headers).toContain('Content-Type: multipart/alternative');
  });

  it('encodes a non-ASCII subject per RFC 2047', async () => {
    const { headers } = await message('Week 47: Chile’s copper — down');
    expect(headers).toMatch(/Subject: =\?UTF-8\?Q\?/);
  });

  it('never lets a line break in the subject start a new header', async () => {
    const { headers } = await message('Copper\r\nBcc: victim@example.com\nX-Injected: yes');
    expect(headers).not.toMatch(/^Bcc:/m);
    expect(headers).not.toMatch(/^X-Injected:/m);
  });
});
