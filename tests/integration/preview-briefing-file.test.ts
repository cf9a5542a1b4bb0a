import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBriefingFile } from '../../src/preview/briefing-file.js';
import { temporaryFolder } from '../helpers/briefings.js';

const SECRET = 'OUTSIDE-THE-FOLDER: not a briefing';

/** A source folder with one briefing and a secret file next to it (outside the folder). */
function layout() {
  const base = temporaryFolder('preview-files-');
  const folder = join(base, 'briefings');
  mkdirSync(join(folder, 'week'), { recursive: true });
  writeFileSync(join(folder, 'week', '2026-11-16-copper.md'), '# Copper output slips\n');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  mkdirSync(join(base, 'elsewhere'));
  writeFileSync(join(base, 'elsewhere', 'notes.md'), SECRET);
  return { base, folder };
}

/** As the session asks: every name counts as a file of the build, so only the other rules decide. */
const anything = { inBuild: () => true, maxBytes: 1024 };

describe('the preview’s briefing source', () => {
  it('serves a file of the current build', async () => {
    const { folder } = layout();
    const result = await readBriefingFile(folder, 'week/2026-11-16-copper.md', {
      inBuild: (name) => name === 'week/2026-11-16-copper.md',
      maxBytes: 1024,
    });
    expect(result).toEqual({ status: 200, text: '# Copper output slips\n' });
  });

  it('refuses a file that exists but is not in the build', async () => {
    const { folder } = layout();
    writeFileSync(join(folder, 'added-since.md'), 'new');
    const result = await readBriefingFile(folder, 'added-since.md', { inBuild: () => false, maxBytes: 1024 });
    expect(result).toEqual({ status: 404, message: 'No such briefing in this build.' });
  });

  it.each([
    ['a dotfile', '.env'],
    ['a file in a hidden folder', '.git/config'],
    ['a parent path', '../secret.txt'],
    ['a parent path inside a name', 'week/../../secret.txt'],
    ['an absolute path', '/etc/hostname'],
    ['a Windows-style parent path', '..\\secret.txt'],
    ['an empty name', ''],
  ])('refuses %s', async (_case, name) => {
    const { folder } = layout();
    writeFileSync(join(folder, '.env'), SECRET);
    const result = await readBriefingFile(folder, name, anything);
    expect(result.status).toBe(403);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('refuses a symlink to a file outside the folder, put in place of a briefing since the build', async () => {
    const { base, folder } = layout();
    symlinkSync(join(base, 'secret.txt'), join(folder, 'week', '2026-11-17-zinc.md'));
    const result = await readBriefingFile(folder, 'week/2026-11-17-zinc.md', anything);
    expect(result).toEqual({ status: 403, message: 'Only files inside the briefings folder can be shown.' });
  });

  it('refuses a file reached through a symlinked folder that points outside', async () => {
    const { base, folder } = layout();
    symlinkSync(join(base, 'elsewhere'), join(folder, 'linked'));
    const result = await readBriefingFile(folder, 'linked/notes.md', anything);
    expect(result.status).toBe(403);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('compares real paths, so a source folder reached through a symlink still works', async () => {
    const { base, folder } = layout();
    symlinkSync(folder, join(base, 'alias'));
    const result = await readBriefingFile(join(base, 'alias'), 'week/2026-11-16-copper.md', anything);
    expect(result).toEqual({ status: 200, text: '# Copper output slips\n' });
  });

  it('refuses a file over the briefing size limit instead of reading it', async () => {
    const { folder } = layout();
    writeFileSync(join(folder, 'video.md'), Buffer.alloc(2048));
    const result = await readBriefingFile(folder, 'video.md', anything);
    expect(result.status).toBe(403);
  });
});
