import { defineConfig } from 'vitest/config';

const shared = {
  // Integration tests start real local servers and CLI processes; give them room on 2 cores.
  testTimeout: 30_000,
  hookTimeout: 30_000,
  // The AWS SDK's notice that it will drop Node 20 in 2027 is the same on every client: say it once, in the README.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};

export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    globalSetup: ['./tests/global-setup.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit, integration, infra',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/infra/**/*.test.ts'],
        },
      },
      {
        // End-to-end tests measure time (the preview must update within a second) and run cdk
        // synth: they run after the rest, one file at a time, so the machine is theirs.
        test: {
          ...shared,
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
