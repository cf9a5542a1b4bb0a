import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest } from '../helpers/cli.js';
import { childrenNamed, parseXml } from '../helpers/xml.js';

// `digest serve` as a person runs it, against the files `digest build` and `digest send` use:
// the whole life of a reader, from the form to one-click unsubscribe, with what is on disk checked
// at every step.
let work: string;
let site: ChildProcess;
let url: string;
const output: string[] = [];

const env = () => ({ DIGEST_ARCHIVE: join(work, 'archive') });
const statusOf = (email: string) =>
  readFileSync(join(work, 'subscribers.csv'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${email},`))
    ?.split(',')[2];
const confirmations = () => readdirSync(join(work, 'out', 'outbox', 'confirmations'));
const post = (path: string, body: string, type = 'application/x-www-form-urlencoded') =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

/** The confirmation link in a confirmation message on disk, as the local site serves it. */
function linkIn(file: string): string {
  const raw = readFileSync(join(work, 'out', 'outbox', 'confirmations', file), 'latin1');
  // Quoted-printable: soft line breaks and =3D come undone before the link can be read.
  const text = raw.replace(/=\r\n/g, '').replace(/=3D/g, '=');
  const link = /http:\/\/127\.0\.0\.1:\d+\/confirm\?t=[\w.%-]+/.exec(text)?.[0];
  if (!link) throw new Error(`no confirmation link in ${file}`);
  return link;
}

beforeAll(async () => {
  work = temporaryFolder('serve-');
  cpSync(join(ROOT, 'examples', 'briefings'), join(work, 'briefings'), { recursive: true });
  writeFileSync(join(work, 'subscribers.csv'), 'email,name,status\nana@example.org,Ana,active\n');
  const built = await runDigest(['build', '--source', 'briefings', '--week', 'latest'], env(), work);
  expect(built.code).toBe(0);
  site = spawn(process.execPath, [join(ROOT, 'bin', 'digest.js'), 'serve', '--port', '0'], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env() },
  });
  site.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  site.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`digest serve did not start: ${output.join('')}`)),
      20_000,
    );
    const look = () => {
      const found = /public site at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      } else setTimeout(look, 50);
    };
    look();
  });
}, 60_000);

afterAll(async () => {
  site?.kill('SIGINT');
  await new Promise((resolve) => site?.once('exit', resolve));
});

describe('digest serve', () => {
  it('refuses to serve beyond this machine with the development secret, in one line', async () => {
    const refused = await runDigest(['serve', '--host', '0.0.0.0', '--port', '0'], env(), work);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^digest: serving on 0\.0\.0\.0 needs an unsubscribe secret.*DIGEST_UNSUBSCRIBE_SECRET/,
      ),
    ]);
  });

  it('warns on this machine that links are signed with the development secret', () => {
    expect(output.join('')).toContain('links are signed with the development secret');
  });

  it('prints the addresses of its pages', () => {
    const printed = output.join('');
    for (const page of ['/subscribe', '/archive/', '/feed.xml']) expect(printed).toContain(`${url}${page}`);
  });

  it('takes a reader from sign-up to one-click unsubscribe, and needs a new confirmation after', async () => {
    // Sign up: pending, one confirmation message in the outbox, and the same answer as for Ana.
    const fresh = await post('/subscribe', 'email=zoe%40example.org&name=Zoe');
    const known = await post('/subscribe', 'email=ana%40example.org');
    expect(fresh.status).toBe(200);
    expect(known.status).toBe(200);
    expect(await known.text()).toBe(await fresh.text());
    expect(statusOf('zoe@example.org')).toBe('pending');
    expect(confirmations()).toHaveLength(1);

    // Open the link: nothing changes. Press Confirm: active.
    const link = linkIn(confirmations()[0] ?? '');
    expect((await fetch(link)).status).toBe(200);
    expect(statusOf('zoe@example.org')).toBe('pending');
    expect(await (await fetch(link, { method: 'POST' })).text()).toContain('You are subscribed');
    expect(statusOf('zoe@example.org')).toBe('active');

    // The next issue reaches her, and goes into the archive.
    const sent = await runDigest(['send'], env(), work);
    expect(sent.code).toBe(0);
    const issueMessage = readdirSync(join(work, 'out', 'outbox')).find((name) => name.startsWith('zoe_at_'));
    expect(issueMessage).toBeDefined();

    // One-click from her message's List-Unsubscribe header.
    const raw = readFileSync(join(work, 'out', 'outbox', issueMessage ?? ''), 'latin1');
    const token = /List-Unsubscribe:[\s\S]*?[?&]t=([\w.%-]+)/.exec(raw.replace(/\r\n\s+/g, ' '))?.[1] ?? '';
    const unsubscribed = await post(`/unsubscribe?t=${token}`, 'List-Unsubscribe=One-Click');
    expect(await unsubscribed.text()).toContain('You are unsubscribed');
    expect(statusOf('zoe@example.org')).toBe('unsubscribed');

    // Signing up again makes her pending and sends a new confirmation; the first stays on disk.
    expect((await post('/subscribe', 'email=zoe%40example.org')).status).toBe(200);
    expect(statusOf('zoe@example.org')).toBe('pending');
    expect(confirmations()).toHaveLength(2);
  });

  it('lists the sent issue in the archive and the feed', async () => {
    const listing = await (await fetch(`${url}/archive/`)).text();
    const issueLink = /href="(http:\/\/127\.0\.0\.1:\d+\/archive\/[^"]+)"/.exec(listing)?.[1];
    expect(issueLink).toBeDefined();
    expect((await fetch(issueLink ?? '')).status).toBe(200);
    const feed = await fetch(`${url}/feed.xml`);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = parseXml(await feed.text());
    expect(xml.name).toBe('feed');
    expect(childrenNamed(xml, 'entry')).toHaveLength(1);
  });
});
