import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests start real local servers and CLI processes; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './tests/summary-reporter.ts'],
    // The AWS SDK's notice that it will drop Node 20 in 2027 is the same on every client: say it once, in the README.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
