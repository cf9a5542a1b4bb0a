#!/usr/bin/env node
// The `digest` command. The sources are TypeScript; tsx's loader runs them without a build step,
// so `npx digest` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
