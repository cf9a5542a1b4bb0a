import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreview } from '../../src/cli/preview-command.js';
import type { BuildReports } from '../../src/preview/reports.js';
import type { PreviewState } from '../../src/preview/session.js';
import { SPAMASSASSIN_INSTALL_HINT } from '../../src/preview/spamassassin.js';
import { resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT } from '../helpers/cli.js';

describe('digest preview: reports, downloads and link checks', () => {
  const source = temporaryFolder('preview-server-source-');
  let preview: Awaited<ReturnType<typeof runPreview>>;
  const get = (path: string) => fetch(new URL(path, preview.url));
  const state = async () => (await (await get('/api/state')).json()) as PreviewState;
  const reports = async () => (await (await get('/api/reports')).json()) as BuildReports;

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'briefings'), source, { recursive: true });
    writeFileSync(
      join(source, '2026-11-18-plain-http.md'),
      [
        '---',
        'title: Smelter restarts its second furnace',
        'date: 2026-11-18',
        'url: http://example.com/smelter',
        '---',
        '',
        '## Highlights',
        '',
        '- The furnace is back at full load, says the [operator](http://example.com/operator-note).',
        '',
      ].join('\n'),
    );
    const settings = resolveSettings(
      { source, digest: temporaryFolder('preview-server-out-'), port: 0, week: 'latest' },
      {},
    );
    // SpamAssassin is looked up on a PATH without it: the report is the install hint, at once.
    preview = await runPreview(
      settings,
      () => {},
      () => {},
      {
        reportDelayMs: 0,
        spamPath: temporaryFolder('no-spamassassin-'),
      },
    );
  });

  afterAll(async () => {
    await preview?.stop();
  });

  it('names the briefing each link that is not https came from', async () => {
    const links = (await state()).checks
      .map((check) => check.message)
      .filter((message) => message.startsWith('Link is not https'));
    expect(links.sort()).toEqual([
      'Link is not https: http://example.com/operator-note (in 2026-11-18-plain-http.md)',
      'Link is not https: http://example.com/smelter (in 2026-11-18-plain-http.md)',
    ]);
  });

  it('serves the compatibility and spam reports of the current build, and says when they are ready', async () => {
    const events = await get('/events');
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    const ready = async () => {
      for (;;) {
        const current = await reports();
        if (current.compatibility?.status !== 'pending' && current.spam?.status !== 'pending') return current;
        const { value } = await reader.read();
        seen += new TextDecoder().decode(value);
      }
    };
    const done = await ready();
    await reader.cancel();
    expect(done.version).toBe((await state()).version);
    expect(done.spam).toEqual({ status: 'missing', hint: SPAMASSASSIN_INSTALL_HINT });
    if (done.compatibility?.status !== 'done') throw new Error(JSON.stringify(done.compatibility));
    const features = done.compatibility.report.unsupported.map((entry) => entry.feature);
    expect(features).toEqual(expect.arrayContaining(['border-radius', '@media']));
    if (seen) expect(seen).toContain('event: reports');
  });

  it.each([
    ['/download/digest.html', 'text/html; charset=utf-8', 'digest-2026-W47.html', '/digest.html'],
    ['/download/digest.txt', 'text/plain; charset=utf-8', 'digest-2026-W47.txt', undefined],
  ])('downloads %s as an attachment with its name', async (path, type, name, same) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
    const body = await response.text();
    if (same) expect(body).toBe(await (await get(same)).text());
    else expect(body).toBe((await state()).text);
  });

  it('downloads nothing for a week without a digest', async () => {
    const week = await fetch(new URL('/api/week', preview.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ week: '2020-W10' }),
    });
    expect(week.status).toBe(200);
    try {
      expect((await get('/download/digest.html')).status).toBe(404);
      expect(await reports()).toMatchObject({ compatibility: null, spam: null });
    } finally {
      await fetch(new URL('/api/week', preview.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ week: 'latest' }),
      });
    }
  });

  it('takes a week only from its own page', async () => {
    const response = await fetch(new URL('/api/week', preview.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://attacker.example' },
      body: JSON.stringify({ week: '2020-W10' }),
    });
    expect(response.status).toBe(403);
    expect((await state()).week).toBe('latest');
  });
});
