import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest } from '../helpers/cli.js';

/**
 * Starts `digest preview` as a user would, waits until it says where it listens, stops it, and
 * returns what it printed.
 */
function startPreview(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'digest.js'), 'preview', '--port', '0', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('Ctrl-C to stop')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('digest preview in the terminal', () => {
  it('says in one line on stderr that the --source folder is missing, and keeps the page running', async () => {
    const missing = join(temporaryFolder(), 'no-such-folder');
    const { stdout, stderr } = await startPreview(['--source', missing]);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `digest: briefings folder not found: ${missing}: check --source`,
    ]);
    expect(stdout).toMatch(/^Preview of .* at http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('says in one line on stderr that the --week does not exist', async () => {
    const { stderr } = await startPreview(['--source', 'examples/briefings', '--week', '2026-W99']);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'digest: --week "2026-W99" is not an ISO week: use YYYY-Www (e.g. 2026-W47) or "latest"',
    ]);
  });

  it('says in one line on stderr that the --week has no briefings, naming weeks that do', async () => {
    const { stderr } = await startPreview(['--source', 'examples/briefings', '--week', '2020-W10']);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'digest: 2020-W10 has no briefings to show (weeks with briefings: 2026-W47): pick a week in the page or with --week',
    ]);
  });

  it('prints nothing on stderr for a good source and week', async () => {
    const { stderr } = await startPreview(['--source', 'examples/briefings', '--week', '2026-W47']);
    expect(stderr).toBe('');
  });

  it('refuses a --week that is not a week at all before starting (exit code 2)', async () => {
    const run = await runDigest([
      'preview',
      '--source',
      'examples/briefings',
      '--week',
      'soon',
      '--port',
      '0',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'digest: --week must be an ISO week such as 2026-W47, or "latest" (got "soon")',
    ]);
  });
});
