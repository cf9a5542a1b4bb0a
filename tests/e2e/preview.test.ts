import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreview } from '../../src/cli/preview-command.js';
import { resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

const SCREENSHOTS = join(ROOT, 'test-results');
describe.skipIf(!HAS_CHROMIUM)('digest preview in headless Chromium', () => {
  const source = temporaryFolder('preview-source-');
  const templates = temporaryFolder('preview-templates-');
  const digest = temporaryFolder('preview-out-');
  let browser: Browser;
  let page: Page;
  let preview: Awaited<ReturnType<typeof runPreview>>;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'briefings'), source, { recursive: true });
    writeFileSync(
      join(source, '2026-11-19-broken.md'),
      '---\ntitle: "never closed\ndate: 2026-11-19\n---\nBody text.\n',
    );
    mkdirSync(join(templates, 'partials'));
    const settings = resolveSettings({ source, templates, digest, port: 0, week: 'latest' }, {});
    preview = await runPreview(settings, () => {});
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(preview.url);
    await page.locator('#items li').first().waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
  });

  const frame = () => page.frameLocator('#digest');

  it('loads with no console errors and shows every item title inside the frame', async () => {
    const titles = await page.locator('#items .item-title').allTextContents();
    expect(titles).toHaveLength(6);
    for (const title of titles) {
      // The last match is the item's own heading (the first is its line in "at a glance").
      await frame()
        .getByText(title.replace(/extracted$/, ''), { exact: true })
        .last()
        .waitFor({ state: 'visible', timeout: 5000 });
    }
    expect(consoleErrors).toEqual([]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-desktop.png'), fullPage: false });
  });

  it('lists the broken file in the skipped panel with its reason', async () => {
    const skipped = await page.locator('#skipped').textContent();
    expect(skipped).toContain('2026-11-19-broken.md');
    expect(skipped).toContain('front matter is not valid YAML');
  });

  it('switches to the mobile width and keeps the view in the URL', async () => {
    await page.click('button[data-view="mobile"]');
    expect((await page.locator('#digest').boundingBox())?.width).toBeCloseTo(375, -1);
    expect(new URL(page.url()).searchParams.get('view')).toBe('mobile');
    await frame().locator('body').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'preview-mobile.png'), fullPage: false });
  });

  it('updates within a second when a briefing is saved, keeping the view and the scroll position', async () => {
    // Browser-side code is given as strings: this project type-checks for Node, not the DOM.
    await page.evaluate("document.getElementById('digest').contentWindow.scrollTo(0, 600)");
    const file = join(source, '2026-11-18-magnet-recycling.json');
    const briefing = JSON.parse(readFileSync(file, 'utf8'));
    const started = Date.now();
    writeFileSync(file, JSON.stringify({ ...briefing, title: 'Magnet recycler doubles its pilot line' }));
    await frame()
      .getByText('Magnet recycler doubles its pilot line')
      .first()
      .waitFor({ state: 'attached', timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(new URL(page.url()).searchParams.get('view')).toBe('mobile');
    await page.waitForFunction("document.getElementById('digest').contentWindow.scrollY > 500", undefined, {
      timeout: 1000,
    });
  });

  it('shows an overlay naming the template and line when a template breaks, and clears it when fixed', async () => {
    const partial = join(templates, 'partials', 'item.hbs');
    writeFileSync(
      partial,
      '<mj-section>\n  <mj-column>\n    <mj-text>{{#if url}}{{title}}</mj-text>\n  </mj-column>\n</mj-section>\n',
    );
    await page.locator('#overlay').waitFor({ state: 'visible', timeout: 2000 });
    expect(await page.locator('#overlay-where').textContent()).toMatch(/partials\/item\.hbs:3$/);
    expect(await page.locator('#overlay-message').textContent()).toContain(
      '{{#if}} opened here is never closed',
    );
    rmSync(partial);
    await page.locator('#overlay').waitFor({ state: 'hidden', timeout: 2000 });
  });

  it('sends a test message that lands in the file outbox', async () => {
    await page.fill('#send-address', 'editor@example.org');
    await page.click('#send-form button');
    await page.getByText('Test message for 2026-W47 sent to e***@example.org').waitFor({ timeout: 5000 });
    // Test messages go to the outbox's own test/ folder, apart from the issue's deliveries.
    const outbox = join(digest, 'outbox', 'test');
    expect(readdirSync(outbox)).toHaveLength(1);
    const message = await simpleParser(readFileSync(join(outbox, readdirSync(outbox)[0] ?? '')));
    expect(message.subject).toMatch(/^\[Test\] Week 47: /);
  });

  it('shows the plain text, the HTML source and the manifest', async () => {
    // Each view fetches its content after the click: wait for it to arrive, then look.
    const shows = (text: string) => page.locator('#code', { hasText: text }).waitFor({ timeout: 5000 });
    await page.click('button[data-view="text"]');
    await shows('This week at a glance');
    await page.click('button[data-view="source"]');
    await shows('<!doctype html>');
    await page.click('button[data-view="manifest"]');
    await shows('"issueId"');
    expect(JSON.parse((await page.locator('#code').textContent()) ?? '{}').issueId).toBe('2026-W47');
    expect(consoleErrors).toEqual([]);
  });

  it('links each item to how its briefing reads after cleaning (digest inspect)', async () => {
    const links = page.locator('#items a.inspect');
    expect(await links.count()).toBe(6);
    const href = (await links.first().getAttribute('href')) ?? '';
    const inspected = await (await fetch(new URL(href, preview.url))).json();
    expect(inspected).toMatchObject({
      ok: true,
      title: (await page.locator('#items .item-title').first().textContent())?.replace(/extracted$/, ''),
    });
    expect((await fetch(new URL('/api/inspect?file=../../etc/passwd', preview.url))).status).toBe(404);
  });

  it('refuses paths outside the briefings folder and requests for other hosts', async () => {
    const origin = new URL(preview.url);
    const outside = await fetch(new URL('/api/briefing?file=../../etc/passwd', origin));
    expect(outside.status).toBe(403);
    const inside = await fetch(new URL('/api/briefing?file=2026-11-16-lithium-refinery.md', origin));
    expect(await inside.text()).toContain('Nevada lithium refinery');
    const rebinding = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) =>
        request(
          {
            host: origin.hostname,
            port: origin.port,
            path: '/api/state',
            headers: { host: `attacker.example:${origin.port}` },
          },
          (response) => resolve(response.statusCode ?? 0),
        ).end(),
      );
    });
    expect(rebinding).toBe(421);
  });

  it('serves only files of the current build: no symlinks out of the folder, no dotfiles, nothing added by hand', async () => {
    const secret = 'NOT-A-BRIEFING: kept outside the folder';
    const outside = join(temporaryFolder('preview-outside-'), 'secret.txt');
    writeFileSync(outside, secret);
    symlinkSync(outside, join(source, '2026-11-20-linked-out.md'));
    symlinkSync('/etc/hostname', join(source, '2026-11-20-hostname.md'));
    symlinkSync(join(source, '2026-11-16-lithium-refinery.md'), join(source, '2026-11-20-alias.md'));
    writeFileSync(join(source, '.env'), `TOKEN=${secret}`);
    const get = (file: string) =>
      fetch(new URL(`/api/briefing?file=${encodeURIComponent(file)}`, preview.url));

    const notInBuild = 'No such briefing in this build.';
    for (const [file, status, message] of [
      ['2026-11-20-linked-out.md', 404, notInBuild],
      ['2026-11-20-hostname.md', 404, notInBuild],
      ['2026-11-20-alias.md', 404, notInBuild],
      ['.env', 403, 'Hidden files and paths outside the briefings folder are never shown.'],
    ] as const) {
      const response = await get(file);
      expect([file, response.status, await response.text()]).toEqual([file, status, message]);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
    const briefing = await get('2026-11-16-lithium-refinery.md');
    expect(briefing.status).toBe(200);
    expect(await briefing.text()).toContain('Nevada lithium refinery');
  });
});
