#!/usr/bin/env node
// The `digest` command. The sources are TypeScript; tsx's loader runs them without a build step,
// so `npx digest` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

// `digest subscribers list | head -1`: the reader closed the pipe because it has what it wanted.
// That is a normal end, not a failure: stop quietly, without a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// The SDK warns on every run that it will drop Node 20 in 2027; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
