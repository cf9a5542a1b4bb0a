import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest } from '../helpers/cli.js';

const DIGEST = join(ROOT, 'bin', 'digest.js');
const HEADER = 'email,status,name,created_at,updated_at';
const storeLine = (email: string, status = 'active') =>
  `${email},${status},Reader,2026-01-01T00:00:00.000Z,2026-01-01T00:00:00.000Z`;

/** A store file of `count` active readers (reader0@example.org …), plus `extra` lines. */
function storeOf(count: number, extra: string[] = []): string {
  const path = join(temporaryFolder(), 'subscribers.csv');
  const lines = Array.from({ length: count }, (_, index) => storeLine(`reader${index}@example.org`));
  writeFileSync(path, `${[HEADER, ...lines, ...extra].join('\n')}\n`);
  return path;
}

function importFileOf(lines: string[]): string {
  const path = join(temporaryFolder(), 'import.csv');
  writeFileSync(path, `${['email,name', ...lines].join('\n')}\n`);
  return path;
}

function startDigest(args: string[]): ChildProcess {
  return spawn(process.execPath, [DIGEST, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Checks `condition` until it holds; fails if the process ends first (the moment was missed). */
async function whenSeen(condition: () => boolean, child: ChildProcess, what: string): Promise<void> {
  while (!condition()) {
    if (child.exitCode !== null) throw new Error(`the import ended before ${what}`);
    await pause(2);
  }
}

function workingFiles(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.startsWith('.subscribers.csv.'));
}

describe('digest subscribers import', () => {
  it('imports every other line of a CSV with one broken line, and names the line', async () => {
    const lines = Array.from({ length: 1204 }, (_, index) => `reader${index}@example.org,Reader ${index}`);
    lines[6] = 'reader6@example.org,"Reader 6';
    const store = join(temporaryFolder(), 'subscribers.csv');

    const run = await runDigest(['subscribers', 'import', importFileOf(lines), '--subscribers', store]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(': 1,203 lines imported, 1 skipped\n');
    expect(run.stdout).toContain('    - line 8: unclosed quote — fix the line or remove it\n');
    const count = await runDigest(['subscribers', 'count', '--subscribers', store]);
    expect(count.stdout).toMatch(/^1,203 subscribers in .*\n\s+active\s+1,203\n/);
  });

  it('keeps the rows of the list it cannot use, and says so in its report', async () => {
    const store = storeOf(2, ['ben@example.com,paused,Ben,,']);
    const run = await runDigest([
      'subscribers',
      'import',
      importFileOf(['ben@example.com,Ben']),
      '--subscribers',
      store,
    ]);
    expect(run.stdout).toContain('stayed suppressed 1');
    expect(run.stdout).toContain(
      `  1 row of ${store} kept as found and not mailed:\n    - line 4: b***@example.com: status "paused" is not one of active, pending, unsubscribed, bounced, complained, forgotten — kept as it is and not mailed`,
    );
    expect(readFileSync(store, 'utf8')).toContain('\nben@example.com,paused,Ben,,\n');
  });
});

describe('digest subscribers errors', () => {
  const folder = temporaryFolder();
  const binary = join(folder, 'list.xlsx');
  writeFileSync(
    binary,
    Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00),
  );
  mkdirSync(join(folder, 'subscribers.csv'));
  const store = storeOf(1);

  it.each([
    [
      'a missing import file',
      ['import', join(folder, 'missing.csv'), '--subscribers', store],
      2,
      `digest: import file not found: ${join(folder, 'missing.csv')}: check the path`,
    ],
    [
      'an import file that is a folder',
      ['import', folder, '--subscribers', store],
      2,
      `digest: ${folder} is a folder, not a file: give the path of the CSV`,
    ],
    [
      'a binary import file',
      ['import', binary, '--subscribers', store],
      1,
      `digest: ${binary} is not a CSV file (it holds binary data): give a CSV saved as text`,
    ],
    [
      'a list that is a folder',
      ['list', '--subscribers', join(folder, 'subscribers.csv')],
      1,
      `digest: ${join(folder, 'subscribers.csv')} is a folder, not a file: give the path of the CSV`,
    ],
    [
      'a list that does not exist',
      ['count', '--subscribers', join(folder, 'none.csv')],
      1,
      `digest: subscribers file not found: ${join(folder, 'none.csv')}: add subscribers with "digest subscribers import FILE.csv"`,
    ],
  ])('says in one line what to do about %s', async (_case, args, code, message) => {
    const run = await runDigest(['subscribers', ...args]);
    expect(run.code).toBe(code);
    expect(run.stderr).toBe(`${message}\n`);
    expect(readFileSync(store, 'utf8')).toBe(`${HEADER}\n${storeLine('reader0@example.org')}\n`);
  });

  it('ends quietly with exit 0 when the reader of its output goes away (| head -1)', async () => {
    const store = storeOf(20_000);
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          'bash',
          [
            '-c',
            `set -o pipefail; "${process.execPath}" "${DIGEST}" subscribers list --subscribers "${store}" | head -1`,
          ],
          { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } },
          (error, out, err) =>
            resolve({
              code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
              stdout: out,
              stderr: err,
            }),
        );
      },
    );
    expect(stdout).toBe(`${HEADER}\n`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('digest subscribers and addresses', () => {
  it('never shows an address in clear, except in the list it exports', async () => {
    const store = join(temporaryFolder(), 'subscribers.csv');
    const importFile = join(temporaryFolder(), 'import.csv');
    writeFileSync(
      importFile,
      'email,name,status\nana.silva@example.org,Ana,\nben.okafor@example,Ben,\nchen.wei@example.net,Chen,ben.okafor@example.com\n"dara.murphy@example.ie,Dara\nana.silva@example.org,Ana,active,extra\n',
    );
    writeFileSync(`${store}`, `${HEADER}\neve.adams@example.org,pending_review,Eve,,\n`);
    const runs = [
      await runDigest(['subscribers', 'import', importFile, '--subscribers', store]),
      await runDigest(['subscribers', 'add', 'fay.lin@example.org', '--subscribers', store]),
      await runDigest(['subscribers', 'add', 'fay.lin@example.org', '--subscribers', store]),
      await runDigest(['subscribers', 'add', 'eve.adams@example.org', '--subscribers', store]),
      await runDigest(['subscribers', 'add', 'gus.hale@example', '--subscribers', store]),
      await runDigest(['subscribers', 'unsubscribe', 'fay.lin@example.org', '--subscribers', store]),
      await runDigest(['subscribers', 'unsubscribe', 'hal.ito@example.org', '--subscribers', store]),
      await runDigest(['subscribers', 'count', '--subscribers', store]),
      await runDigest(['subscribers', 'list', '--status', 'bounced', '--subscribers', store]),
    ];
    const said = runs.map((run) => run.stdout + run.stderr).join('\n');

    for (const person of [
      'ana.silva',
      'ben.okafor',
      'chen.wei',
      'dara.murphy',
      'eve.adams',
      'fay.lin',
      'gus.hale',
    ])
      expect(said).not.toContain(`${person}@`);
    expect(said).not.toContain('hal.ito@');
    expect(said).toContain('Added f***@example.org.');
    expect(said).toContain('Unsubscribed f***@example.org.');
    expect(said).toContain('h***@example.org is not on the list');
    expect(said).toContain(
      'e***@example.org unsubscribed, bounced, complained, was forgotten, has not confirmed a sign-up or has an unknown status',
    );
    expect(said).toContain('"g***@example" is not a valid email address');
    expect(said).toContain('line 4: c***@example.net: the status cell is not one of');
    const list = await runDigest(['subscribers', 'list', '--subscribers', store]);
    expect(list.stdout).toContain('\nana.silva@example.org,active,Ana,');
  });

  it('lists subscribers with cells a spreadsheet would run as formulas made harmless', async () => {
    const store = join(temporaryFolder(), 'subscribers.csv');
    const importFile = importFileOf([
      'ana@example.org,"=HYPERLINK(""https://evil.example"",""click"")"',
      'ben@example.com,+1 555 0100',
      'chen@example.net,"@SUM(1+1)*cmd|\' /C calc\'!A0"',
      'dara@example.ie,-2+3',
      'eve@example.org,"\tTab"',
    ]);
    await runDigest(['subscribers', 'import', importFile, '--subscribers', store]);
    const list = await runDigest(['subscribers', 'list', '--subscribers', store]);
    const names = list.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/,(?=\d{4}-)/)[0]?.replace(/^[^,]+,active,/, ''));
    expect(names).toEqual([
      `"'=HYPERLINK(""https://evil.example"",""click"")"`,
      `'+1 555 0100`,
      `'@SUM(1+1)*cmd|' /C calc'!A0`,
      `'-2+3`,
      `'\tTab`,
    ]);
  });
});

describe('digest subscribers import killed with SIGKILL', () => {
  it('leaves the old list or the new one, never a torn file; leftovers are private and cleared by the next run', async () => {
    const store = storeOf(2_000);
    const folder = join(store, '..');
    const before = readFileSync(store, 'utf8');
    const newcomers = Array.from({ length: 300_000 }, (_, index) => `new${index}@example.net,New ${index}`);
    const importFile = importFileOf([...newcomers, 'reader7@example.org,Reader Seven']);
    const args = ['subscribers', 'import', importFile, '--subscribers', store];
    const stages = [
      { name: 'while merging', seen: () => workingFiles(folder).some((name) => name.endsWith('.index.tmp')) },
      {
        name: 'while writing the new list',
        seen: () =>
          workingFiles(folder).some((name) => {
            if (!name.endsWith('.new.tmp')) return false;
            try {
              return statSync(join(folder, name)).size > 0;
            } catch {
              return false;
            }
          }),
      },
    ];

    for (const stage of stages) {
      const child = startDigest(args);
      const exited = once(child, 'exit');
      await whenSeen(stage.seen, child, stage.name);
      child.kill('SIGKILL');
      await exited;

      const after = readFileSync(store, 'utf8');
      expect(after === before || after.split('\n').length === 2_000 + 300_000 + 2, stage.name).toBe(true);
      for (const name of [...workingFiles(folder), 'subscribers.csv.lock']) {
        expect(statSync(join(folder, name)).mode & 0o077, `${name} ${stage.name}`).toBe(0);
      }
    }

    const rerun = await runDigest(args);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('added 300,000, updated 1, unchanged 0');
    expect(readdirSync(folder)).toEqual(['subscribers.csv']);
    const lines = readFileSync(store, 'utf8').split('\n');
    expect(lines).toHaveLength(1 + 2_000 + 300_000 + 1);
    expect(lines[8]).toMatch(/^reader7@example\.org,active,Reader Seven,2026-01-01T00:00:00\.000Z,/);
    expect(lines.at(-2)).toMatch(/^new299999@example\.net,active,New 299999,/);
  }, 180_000);
});

describe('digest subscribers unsubscribe during an import', () => {
  it('waits for the import to finish and is not overwritten by it', async () => {
    const store = storeOf(1_000, [storeLine('ana@example.org')]);
    const fifo = join(temporaryFolder(), 'import.csv');
    execFileSync('mkfifo', [fifo]);
    const importing = startDigest(['subscribers', 'import', fifo, '--subscribers', store]);
    const imported = once(importing, 'exit');
    let importReport = '';
    importing.stdout?.on('data', (chunk) => {
      importReport += chunk;
    });

    // The import opens its file only once it holds the lock and has read the list.
    const feed = createWriteStream(fifo);
    await once(feed, 'open');
    feed.write('email,name\nana@example.org,Ana\n');
    for (let index = 0; index < 5_000; index++) feed.write(`new${index}@example.net,New\n`);

    const unsubscribing = startDigest([
      'subscribers',
      'unsubscribe',
      'ana@example.org',
      '--subscribers',
      store,
    ]);
    const unsubscribed = once(unsubscribing, 'exit');
    let waitingSaid = '';
    let unsubscribeSaid = '';
    unsubscribing.stdout?.on('data', (chunk) => {
      unsubscribeSaid += chunk;
    });
    await new Promise<void>((resolve) => {
      unsubscribing.stderr?.on('data', (chunk) => {
        waitingSaid += chunk;
        if (waitingSaid.includes('waiting for it to finish')) resolve();
      });
    });
    expect(unsubscribing.exitCode).toBeNull();

    for (let index = 5_000; index < 10_000; index++) feed.write(`new${index}@example.net,New\n`);
    feed.end();
    const [[importCode], [unsubscribeCode]] = await Promise.all([imported, unsubscribed]);

    expect(importCode).toBe(0);
    expect(importReport).toContain('added 10,000, updated 1, unchanged 0');
    expect(unsubscribeCode).toBe(0);
    expect(unsubscribeSaid).toBe('Unsubscribed a***@example.org.\n');
    expect(waitingSaid).toMatch(
      /^digest: .*subscribers\.csv is being changed by another digest \(pid \d+\); waiting for it to finish…\n$/,
    );
    const lines = readFileSync(store, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 1_001 + 10_000);
    expect(lines.filter((line) => line.startsWith('ana@example.org,'))).toEqual([
      expect.stringMatching(/^ana@example\.org,unsubscribed,Ana,/),
    ]);
  }, 120_000);
});
