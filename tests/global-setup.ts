import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * CLI tests run the published command, which runs the compiled JavaScript in dist/: compile the
 * sources first (about 0.2 s), so a test never runs yesterday's build.
 */
export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--silent'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'inherit',
  });
}
