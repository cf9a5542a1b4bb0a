import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SHARED_BRIEFINGS = join(ROOT, '..', 'shared', 'briefings');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Where `digest send` archives the issues it sends, unless a test says otherwise: a folder of
 * this test process, never the checkout's own `archive/`.
 */
export const TEST_ARCHIVE = join(tmpdir(), `digest-test-archive-${process.pid}`);

/** Runs the real `digest` command in a child process, as a user would, with a clean environment. */
export function runDigest(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin', 'digest.js'), ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          DIGEST_ARCHIVE: TEST_ARCHIVE,
          ...env,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
