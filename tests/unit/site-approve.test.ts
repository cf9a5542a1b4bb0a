import { describe, expect, it } from 'vitest';
import { signApproveToken } from '../../src/core/delivery/approve-token.js';
import { handleSiteRequest, type SitePorts } from '../../src/site/router.js';
import { approveIssue } from '../../src/workflows/approval.js';
import { draftRecord, MemoryIssues } from '../helpers/issues.js';
import { memorySitePorts } from '../helpers/site.js';

const SECRET = 'a-unit-test-secret-long-enough';
const LIST = 'news.example.com';

/** The site with approval on, over memory: the clock is the site's (2026-11-25 10:00 UTC). */
function approvalSite(status: Parameters<typeof draftRecord>[0] = {}) {
  const site = memorySitePorts({ secret: SECRET, listId: LIST });
  const issues = new MemoryIssues();
  issues.rows.set('2026-W47', draftRecord(status));
  const started: string[] = [];
  const logged: { event: string; details: Record<string, unknown> }[] = [];
  const ports: SitePorts = {
    ...site.ports,
    log: (event, details) => logged.push({ event, details }),
    approvals: {
      issue: (issueId) => issues.get(issueId),
      approve: (issueId) =>
        approveIssue(issueId, 'approve link', {
          issues,
          startSend: async (id) => {
            started.push(id);
          },
          now: site.ports.now,
        }),
      draftHtml: async (issueId) =>
        issueId === '2026-W47' ? '<html><body>the draft</body></html>' : undefined,
    },
  };
  return { ports, issues, started, logged, advance: site.advance };
}

const token = (overrides: Partial<{ list: string; issueId: string; expiresAt: Date }> = {}) =>
  signApproveToken(
    { list: LIST, issueId: '2026-W47', expiresAt: new Date('2026-11-30T08:00:00Z'), ...overrides },
    SECRET,
  );
const request = (method: string, path: string, t: string) => ({ method, path, query: { t }, body: '' });

describe('the approve link', () => {
  it('answers HEAD like GET, without a body, and approves nothing', async () => {
    const { ports, issues, started } = approvalSite();
    const before = await issues.get('2026-W47');
    const page = await handleSiteRequest(request('HEAD', '/approve', token()), ports);
    expect(page.status).toBe(200);
    expect(page.body).toBe('');
    expect(await issues.get('2026-W47')).toEqual(before);
    expect(started).toEqual([]);
  });

  it('shows the issue, a link to the draft and an Approve button, and changes nothing', async () => {
    const { ports, issues, started } = approvalSite();
    const before = await issues.get('2026-W47');
    const t = token();
    const page = await handleSiteRequest(request('GET', '/approve', t), ports);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Approve this issue?');
    expect(page.body).toContain('Week 47: Copper output slips');
    expect(page.body).toContain('It goes out only once someone approves it.');
    expect(page.body).toContain(`<a href="/approve/draft?t=${encodeURIComponent(t)}">Read the draft</a>`);
    expect(page.body).toContain(
      `<form method="post" action="/approve?t=${encodeURIComponent(t)}"><button type="submit">Approve and send</button></form>`,
    );
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    const head = await handleSiteRequest(request('HEAD', '/approve', t), ports);
    expect([head.status, head.body]).toEqual([200, '']);
    expect(await issues.get('2026-W47')).toEqual(before);
    expect(started).toEqual([]);
  });

  it('approves on POST, starts the send once, and logs it without any address', async () => {
    const { ports, issues, started, logged } = approvalSite();
    const page = await handleSiteRequest(request('POST', '/approve', token()), ports);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Approved: the send has started');
    expect(await issues.get('2026-W47')).toMatchObject({ status: 'approved', approvedBy: 'approve link' });
    expect(started).toEqual(['2026-W47']);
    expect(logged).toEqual([
      { event: 'Approve link used', details: { issueId: '2026-W47', outcome: 'approved' } },
    ]);

    const again = await handleSiteRequest(request('POST', '/approve', token()), ports);
    expect(again.body).toContain('Already approved');
    const shown = await handleSiteRequest(request('GET', '/approve', token()), ports);
    expect(shown.body).toContain('Already approved');
    expect(shown.body).not.toContain('<button');
  });

  it('approves a held issue and says that it was held', async () => {
    const { ports, started } = approvalSite({ status: 'held', heldAt: '2026-11-24T09:00:00.000Z' });
    const shown = await handleSiteRequest(request('GET', '/approve', token()), ports);
    expect(shown.body).toContain('This issue is on hold');
    expect(shown.body).toContain('held at 2026-11-24 09:00 UTC');
    const page = await handleSiteRequest(request('POST', '/approve', token()), ports);
    expect(page.body).toContain('It was on hold; your approval releases it.');
    expect(started).toEqual(['2026-W47']);
  });

  it('says when a window draft goes out by itself', async () => {
    const { ports } = approvalSite({ approval: 'window', releaseAt: '2026-11-25T12:00:00.000Z' });
    const page = await handleSiteRequest(request('GET', '/approve', token()), ports);
    expect(page.body).toContain('It goes out at 2026-11-25 12:00 UTC unless someone holds it');
  });

  it('says an issue that went out already is sent, and links to it in the archive', async () => {
    const { ports, started } = approvalSite({ status: 'enqueued' });
    for (const method of ['GET', 'POST']) {
      const page = await handleSiteRequest(request(method, '/approve', token()), ports);
      expect(page.body).toContain('Already sent');
      expect(page.body).toContain('href="/archive/2026-W47"');
    }
    expect(started).toEqual([]);
  });

  it('serves the archived draft behind the same token, never framed or indexed', async () => {
    const { ports } = approvalSite();
    const page = await handleSiteRequest(request('GET', '/approve/draft', token()), ports);
    expect(page.status).toBe(200);
    expect(page.body).toBe('<html><body>the draft</body></html>');
    expect(page.headers['x-robots-tag']).toBe('noindex');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await handleSiteRequest(request('POST', '/approve/draft', token()), ports)).status).toBe(405);
  });

  it.each([
    ['a tampered token', () => `${token().slice(0, -2)}xx`, 400, 'This link does not work'],
    ['another list’s token', () => token({ list: 'other.example.com' }), 400, 'This link does not work'],
    ['an expired token', () => token({ expiresAt: new Date('2026-11-25T09:00:00Z') }), 400, 'has expired'],
    ['no token', () => '', 400, 'This link does not work'],
    ['a token for an issue with no record', () => token({ issueId: '2026-W40' }), 404, 'Issue not found'],
  ])('refuses %s and changes nothing', async (_case, make, status, text) => {
    const { ports, issues, started } = approvalSite();
    const before = await issues.get('2026-W47');
    for (const method of ['GET', 'POST']) {
      const page = await handleSiteRequest(request(method, '/approve', make()), ports);
      expect(page.status).toBe(status);
      expect(page.body).toContain(text);
    }
    expect(await issues.get('2026-W47')).toEqual(before);
    expect(started).toEqual([]);
  });

  it('is not there when approval is off', async () => {
    const site = memorySitePorts({ secret: SECRET, listId: LIST });
    for (const path of ['/approve', '/approve/draft'])
      expect((await handleSiteRequest(request('GET', path, token()), site.ports)).status).toBe(404);
  });

  it('answers a store that cannot be reached with the usual page, not a trace', async () => {
    const { ports } = approvalSite();
    const broken: SitePorts = {
      ...ports,
      approvals: {
        ...(ports.approvals as NonNullable<SitePorts['approvals']>),
        approve: async () => {
          throw new Error('2026-W47 is approved, but its send could not be started (Rate exceeded)');
        },
      },
    };
    const page = await handleSiteRequest(request('POST', '/approve', token()), broken);
    expect(page.status).toBe(503);
    expect(page.body).toContain('Please try again shortly');
  });
});
