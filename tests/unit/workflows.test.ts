import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../../src/core/unsubscribe-token.js';
import { readFeedback } from '../../src/workflows/feedback.js';
import { handlePage, type UnsubscribePorts } from '../../src/workflows/unsubscribe-page.js';

const SECRET = 'a-unit-test-secret-long-enough';
const LIST = 'news.example.com';

function ports(unsubscribed: string[] = []): UnsubscribePorts {
  return {
    secret: async () => SECRET,
    listId: LIST,
    newsletterName: 'Metals <Weekly>',
    unsubscribe: async (email) => {
      unsubscribed.push(email);
    },
    archivedIssue: async (issueId) => (issueId === '2026-W47' ? '<p>archived</p>' : undefined),
  };
}
const token = signUnsubscribeToken({ list: LIST, address: 'ana@example.org' }, SECRET);
const request = (method: string, path: string, query: Record<string, string> = {}, body = '') => ({
  method,
  path,
  query,
  body,
});

describe('the unsubscribe page', () => {
  it('shows one button and never the address on GET, and changes nothing', async () => {
    const done: string[] = [];
    const page = await handlePage(request('GET', '/', { t: token }), ports(done));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(page.body).not.toContain('ana@example.org');
    expect(page.body).toContain('Metals &lt;Weekly&gt;');
    expect(done).toEqual([]);
  });

  it('unsubscribes on the RFC 8058 one-click POST', async () => {
    const done: string[] = [];
    const page = await handlePage(
      request('POST', '/', { t: token }, 'List-Unsubscribe=One-Click'),
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
    const page = await handlePage(request('POST', '/', query), ports(done));
    expect(page.status).toBe(400);
    expect(page.body).toContain('This link does not work');
    expect(done).toEqual([]);
  });

  it('serves archived issues and nothing outside the archive', async () => {
    expect((await handlePage(request('GET', '/view/2026-W47'), ports())).body).toBe('<p>archived</p>');
    expect((await handlePage(request('GET', '/view/..%2Fbriefings%2Fx'), ports())).status).toBe(404);
    expect((await handlePage(request('GET', '/anything-else'), ports())).status).toBe(404);
  });

  it('sends security headers with every page', async () => {
    const page = await handlePage(request('GET', '/', { t: token }), ports());
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
