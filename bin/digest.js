#!/usr/bin/env node
// The `digest` command: the compiled JavaScript in dist/ (`npm ci` builds it through the
// `prepare` script; `npm run build` after editing src/). Nothing is compiled at run time.
import { existsSync } from 'node:fs';

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
const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'digest: the command is not built (dist/ is missing): run "npm run build", or "npm ci"\n',
  );
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
