import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../../src/core/delivery/unsubscribe-token.js';
import { handleSiteRequest, type SitePorts } from '../../src/site/router.js';
import { readFeedback } from '../../src/workflows/feedback.js';
import { memorySitePorts } from '../helpers/site.js';

const SECRET = 'a-unit-test-secret-long-enough';
const LIST = 'news.example.com';

function ports(unsubscribed: string[] = []): SitePorts {
  const site = memorySitePorts({ secret: SECRET, listId: LIST });
  return {
    ...site.ports,
    unsubscribe: async (email) => {
      unsubscribed.push(email);
    },
  };
}
const token = signUnsubscribeToken({ list: LIST, address: 'ana@example.org' }, SECRET);
const request = (
  method: string,
  path: string,
  query: Record<string, string> = {},
  body = '',
  contentType = 'application/x-www-form-urlencoded',
) => ({ method, path, query, body, contentType });

/** A multipart/form-data body, as RFC 8058 allows a mail receiver to send it. */
const multipart = (
  fields: [string, string][],
  boundary = '----receiver7MA4YWxk',
): [body: string, contentType: string] => [
  `${fields
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('')}--${boundary}--\r\n`,
  `multipart/form-data; boundary=${boundary}`,
];

describe('the unsubscribe page of the public site', () => {
  it('shows one button and never the address on GET, and changes nothing', async () => {
    const done: string[] = [];
    const page = await handleSiteRequest(request('GET', '/', { t: token }), ports(done));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(page.body).not.toContain('ana@example.org');
    expect(page.body).toContain('Metals &lt;Weekly&gt;');
    expect(done).toEqual([]);
  });

  it('unsubscribes on the RFC 8058 one-click POST', async () => {
    const done: string[] = [];
    const page = await handleSiteRequest(
      request('POST', '/', { t: token }, 'List-Unsubscribe=One-Click'),
      ports(done),
    );
    expect(page.status).toBe(200);
    expect(done).toEqual(['ana@example.org']);
  });

  it.each([
    ['with other fields and white space', ' utm=1&List-Unsubscribe=One-Click&x=\r\n', undefined],
    ['with a trailing &', 'List-Unsubscribe=One-Click&', undefined],
    ['percent-encoded, in other case', 'list-unsubscribe=one%2Dclick', undefined],
    ['with no content type', 'List-Unsubscribe=One-Click', ''],
    ['as multipart/form-data', ...multipart([['List-Unsubscribe', 'One-Click']])],
    [
      'as multipart/form-data with a quoted boundary and other fields',
      multipart([
        ['source', 'inbox'],
        ['List-Unsubscribe', 'One-Click'],
      ])[0],
      'multipart/form-data; charset=utf-8; boundary="----receiver7MA4YWxk"',
    ],
  ])('accepts the one-click body %s', async (_case, body, contentType) => {
    const done: string[] = [];
    const page = await handleSiteRequest(request('POST', '/', { t: token }, body, contentType), ports(done));
    expect(page.status).toBe(200);
    expect(done).toEqual(['ana@example.org']);
  });

  it('unsubscribes through the page’s own button, posting what a browser posts for its form', async () => {
    const done: string[] = [];
    const shown = (await handleSiteRequest(request('GET', '/', { t: token }), ports(done))).body;
    const form = /<form method="post" action="\?t=([^"]*)">(.*?)<\/form>/s.exec(shown);
    const fields = [...(form?.[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
    const body = new URLSearchParams(
      fields.map(([, name = '', value = '']): [string, string] => [name, value]),
    ).toString();
    const t = decodeURIComponent((form?.[1] ?? '').replaceAll('&amp;', '&'));

    const page = await handleSiteRequest(request('POST', '/', { t }, body), ports(done));

    expect(page.status).toBe(200);
    expect(page.body).toContain('You are unsubscribed');
    expect(done).toEqual(['ana@example.org']);
  });

  it.each([
    ['an empty body', '', undefined],
    ['another value', 'List-Unsubscribe=Yes', undefined],
    ['the value alone', 'One-Click', undefined],
    ['the key alone', 'List-Unsubscribe', undefined],
    ['JSON', '{"List-Unsubscribe":"One-Click"}', 'application/json'],
    ['multipart with another field only', ...multipart([['unsubscribe', 'yes']])],
    [
      'multipart with a file named like the field',
      '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"; filename="x.txt"\r\n\r\nOne-Click\r\n--b--\r\n',
      'multipart/form-data; boundary=b',
    ],
    ['multipart without a boundary', 'List-Unsubscribe=One-Click', 'multipart/form-data'],
  ])('refuses a POST with %s and changes nothing', async (_case, body, contentType) => {
    const done: string[] = [];
    const page = await handleSiteRequest(request('POST', '/', { t: token }, body, contentType), ports(done));
    expect(page.status).toBe(400);
    expect(page.body).toContain('Nothing was changed');
    expect(done).toEqual([]);
  });

  it('refuses a body over 8 KB unread, with a 413, and changes nothing', async () => {
    const done: string[] = [];
    const body = `List-Unsubscribe=One-Click&pad=${'x'.repeat(10_000)}`;
    const page = await handleSiteRequest(request('POST', '/', { t: token }, body), ports(done));
    expect(page.status).toBe(413);
    expect(done).toEqual([]);
  });

  it('never unsubscribes on a GET, even one that carries the one-click pair', async () => {
    const done: string[] = [];
    for (const query of [{ t: token, 'List-Unsubscribe': 'One-Click' }, { t: token }] as Record<
      string,
      string
    >[])
      expect(
        (await handleSiteRequest(request('GET', '/', query, 'List-Unsubscribe=One-Click'), ports(done)))
          .status,
      ).toBe(200);
    const head = await handleSiteRequest(request('HEAD', '/', { t: token }), ports(done));
    expect([head.status, head.body]).toEqual([200, '']);
    expect((await handleSiteRequest(request('PUT', '/', { t: token }), ports(done))).status).toBe(405);
    expect(done).toEqual([]);
  });

  it('accepts links of the first format (emails sent before opaque tokens) for one more release', async () => {
    const done: string[] = [];
    const payload = Buffer.from(JSON.stringify([LIST, 'ana@example.org'])).toString('base64url');
    const legacy = `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    const page = await handleSiteRequest(
      request('POST', '/', { t: legacy }, 'List-Unsubscribe=One-Click'),
      ports(done),
    );
    expect(page.status).toBe(200);
    expect(done).toEqual(['ana@example.org']);
  });

  it.each([
    ['a missing token', {}],
    ['a tampered token', { t: `${token.slice(0, -2)}xx` }],
    [
      'a token for another list',
      { t: signUnsubscribeToken({ list: 'other.example.com', address: 'ana@example.org' }, SECRET) },
    ],
  ])('answers %s with a friendly 400 and unsubscribes nobody', async (_case, query) => {
    const done: string[] = [];
    const page = await handleSiteRequest(
      request('POST', '/', query, 'List-Unsubscribe=One-Click'),
      ports(done),
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('This link does not work');
    expect(done).toEqual([]);
  });

  it('serves archived issues and nothing outside the archive', async () => {
    expect((await handleSiteRequest(request('GET', '/view/2026-W47'), ports())).body).toBe('<p>archived</p>');
    expect((await handleSiteRequest(request('GET', '/view/..%2Fbriefings%2Fx'), ports())).status).toBe(404);
    expect((await handleSiteRequest(request('GET', '/anything-else'), ports())).status).toBe(404);
  });

  it.each([
    '/view/%',
    '/view/%E0%A4%A',
    '/view/%ZZ',
    '/view/..',
    '/view/%2E%2E',
    '/view/.',
    `/view/${'a'.repeat(5000)}`,
    `/view/${'%41'.repeat(100)}`,
    '/..',
    '/%',
    `/${'%'.repeat(300)}`,
    '/unsubscribe/../view/2026-W47',
  ])('answers the malformed or unknown path %s with a 404 page', async (path) => {
    const done: string[] = [];
    const page = await handleSiteRequest(request('GET', path, { t: token }), ports(done));
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(done).toEqual([]);
  });

  it('sends security headers with every page', async () => {
    const page = await handleSiteRequest(request('GET', '/', { t: token }), ports());
    expect(page.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  });
});

describe('SES feedback', () => {
  it('suppresses permanent bounces and complaints, counts transient bounces, ignores the rest', () => {
    const outcome = readFeedback([
      JSON.stringify({
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Ana <ANA@example.org>' }] },
      }),
      JSON.stringify({
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'ben@example.com' }] },
      }),
      JSON.stringify({
        eventType: 'Bounce',
        bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'chen@example.net' }] },
      }),
      JSON.stringify({ eventType: 'Delivery' }),
      'not json',
    ]);
    expect(outcome).toEqual({
      suppressed: [
        { email: 'ana@example.org', status: 'bounced' },
        { email: 'ben@example.com', status: 'complained' },
      ],
      transientBounces: 1,
      ignored: 2,
    });
  });
});
