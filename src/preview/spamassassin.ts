import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

export interface SpamRule {
  /** Points the rule adds (negative ones count in the message's favour). */
  points: number;
  rule: string;
  description: string;
}

export type SpamReport =
  | { status: 'scored'; score: number; required: number; rules: SpamRule[]; ms: number }
  | { status: 'missing'; hint: string }
  | { status: 'failed'; message: string };

export const SPAMASSASSIN_INSTALL_HINT =
  'SpamAssassin is not installed; to see a spam score here: sudo apt-get install spamassassin';

/**
 * Scores a message with SpamAssassin's local tests only (`spamassassin -L -t`: no DNS, no
 * network), as a low-priority child process with a timeout. A missing `spamassassin` command is
 * an answer (`missing`, with how to install it), never an error. SpamAssassin writes
 * `$HOME/.spamassassin/` on its first run: `home` should be a folder of the caller's.
 *
 * @example
 * await scoreWithSpamAssassin(readFileSync('out/digest.eml'), { home: mkdtempSync('/tmp/sa-') })
 * // { status: 'scored', score: 0.7, required: 5, rules: [{ points: 0.7, rule: 'HTML_FONT_LOW_CONTRAST', … }], ms: 812 }
 */
export function scoreWithSpamAssassin(
  message: Uint8Array,
  options: { home: string; path?: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<SpamReport> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('spamassassin', ['-L', '-t'], {
      // The lookup uses this PATH; nothing else of the caller's environment reaches the child.
      env: { PATH: options.path ?? process.env.PATH ?? '', HOME: options.home, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    // The preview keeps its CPU for builds: SpamAssassin runs at the lowest priority.
    if (child.pid !== undefined)
      try {
        setPriority(child.pid, 19);
      } catch {
        // Not allowed here: it runs at normal priority.
      }
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') resolve({ status: 'missing', hint: SPAMASSASSIN_INSTALL_HINT });
      else if (error.name === 'AbortError')
        resolve({ status: 'failed', message: 'SpamAssassin was stopped' });
      else resolve({ status: 'failed', message: `SpamAssassin could not run: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        return resolve({
          status: 'failed',
          message: `SpamAssassin did not answer within ${timeoutMs / 1000} s`,
        });
      if (code !== 0) {
        const said = stderr.trim().split('\n').at(-1) ?? '';
        return resolve({
          status: 'failed',
          message: `SpamAssassin stopped (${signal ?? `exit code ${code}`})${said ? `: ${said}` : ''}`,
        });
      }
      const report = parseSpamReport(Buffer.concat(stdout).toString('utf8'));
      resolve(
        report
          ? { status: 'scored', ...report, ms: Math.round(performance.now() - started) }
          : { status: 'failed', message: 'SpamAssassin answered without a score' },
      );
    });
    // A child that exits before reading its input closes the pipe: that is reported on close.
    child.stdin.on('error', () => {});
    child.stdin.end(message);
  });
}

/**
 * The score, threshold and rules from the report `spamassassin -t` appends (or, for spam, puts
 * first): `Content analysis details:   (0.7 points, 5.0 required)` and the table under it, whose
 * descriptions may wrap onto indented lines.
 */
export function parseSpamReport(
  output: string,
): { score: number; required: number; rules: SpamRule[] } | undefined {
  const heading = /Content analysis details:\s+\((-?[\d.]+) points?, (-?[\d.]+) required\)/.exec(output);
  if (!heading) return undefined;
  const rules: SpamRule[] = [];
  const table = output.slice(heading.index).split(/\r?\n/);
  const start = table.findIndex((line) => /^-+ -+ -+/.test(line));
  for (const line of table.slice(start + 1)) {
    const row = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    const last = rules.at(-1);
    if (row) rules.push({ points: Number(row[1]), rule: row[2] ?? '', description: (row[3] ?? '').trim() });
    else if (last && /^\s{10,}\S/.test(line)) last.description += ` ${line.trim()}`;
    else break;
  }
  return { score: Number(heading[1]), required: Number(heading[2]), rules };
}
