import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `Tests: N passed, N failed, N skipped`, that any CI log reader
 * understands, and names every test file that failed as a whole (a `beforeAll` that threw skips
 * all its tests, which would otherwise read as merely skipped).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const brokenFiles: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      if (module.state() === 'failed' && module.errors().length > 0) brokenFiles.push(module.moduleId);
    }
    const files = brokenFiles.length
      ? `\nTest files that failed to run: ${brokenFiles.length} (${brokenFiles.join(', ')})`
      : '';
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${files}\n`,
    );
  }
}
