import { Command, CommanderError } from 'commander';
import { DigestError, UsageError } from '../core/errors.js';
import type { SettingKey, Settings } from '../settings/settings.js';
import {
  describeApproval,
  describeBuild,
  describeInspect,
  describePreview,
  describeSend,
  describeServe,
  describeSubscribers,
  SUBSCRIBERS_COMMANDS,
} from './commands.js';

export const EXIT = { ok: 0, fatal: 1, usage: 2 } as const;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
};

/**
 * The `digest` command. Returns the exit code: 0 done, 1 failed, 2 called wrongly.
 * Errors are one line that says what to do; `--debug` adds the stack.
 */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const debug = argv.includes('--debug') || /^(?:1|true)$/i.test(io.env.DIGEST_DEBUG ?? '');
  let exitCode: number = EXIT.ok;
  const program = new Command('digest')
    .description('Weekly briefing digest: build, preview and send one well-made email a week.')
    .option('--config <file>', 'settings file (default: digest.config.json when present)')
    .option('--debug', 'show stack traces with errors')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      outputError: (text, write) => write(inOurVoice(text)),
    });
  // Settings (and their validation library) load when a command runs, not for --help.
  const settingsFor = async (options: Record<string, unknown>): Promise<Settings> => {
    const { environmentWarnings, resolveSettings } = await import('../settings/settings.js');
    for (const warning of environmentWarnings(io.env)) io.err(`digest: ${warning}`);
    return resolveSettings(flagsOf(options), io.env, program.opts<{ config?: string }>().config);
  };

  describeBuild(program).action(async (options: Record<string, unknown>) => {
    const { runBuild } = await import('./build-command.js');
    const { report } = await runBuild(await settingsFor(options));
    io.out(report);
  });

  describeInspect(program).action(async (paths: string[], options: Record<string, unknown>) => {
    const { json, ...rest } = options;
    const { runInspect } = await import('./inspect-command.js');
    io.out(await runInspect(paths, await settingsFor(rest), json === true));
  });

  describeSend(program).action(async (options: Record<string, unknown>) => {
    // Ctrl-C stops gracefully: messages in flight finish and are recorded; a second Ctrl-C quits at once.
    const controller = new AbortController();
    const interrupt = () => {
      if (controller.signal.aborted) process.exit(130);
      io.err('digest: stopping after the messages in flight… (Ctrl-C again to quit now)');
      controller.abort();
    };
    process.on('SIGINT', interrupt);
    try {
      const { runSend } = await import('./send-command.js');
      const run = await runSend(await settingsFor(options), controller.signal);
      io.out(run.report);
      if (run.incomplete) exitCode = EXIT.fatal;
      // A stop for a reason other than Ctrl-C is an error: one line on stderr says what to do.
      const reason = run.summary?.stoppedBy;
      if (reason && !controller.signal.aborted) io.err(`digest: ${reason}`);
      if (run.archiveFailure) {
        io.err(`digest: ${run.archiveFailure}`);
        exitCode = EXIT.fatal;
      }
    } finally {
      process.off('SIGINT', interrupt);
    }
  });

  for (const action of ['approve', 'hold'] as const) {
    describeApproval(program, action).action(
      async (issue: string | undefined, options: Record<string, unknown>) => {
        const { runApproval } = await import('./approval-command.js');
        io.out(await runApproval(action, issue, await settingsFor(options)));
      },
    );
  }

  describePreview(program).action(async (options: Record<string, unknown>) => {
    const { runPreview } = await import('./preview-command.js');
    const preview = await runPreview(await settingsFor(options), io.out, io.err);
    // Runs until Ctrl-C; the server keeps the process alive.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => void preview.stop().then(resolve));
      process.once('SIGTERM', () => void preview.stop().then(resolve));
    });
  });

  describeServe(program).action(async (options: Record<string, unknown>) => {
    const { runServe } = await import('./serve-command.js');
    const site = await runServe(await settingsFor(options), io.out, io.err);
    // Runs until Ctrl-C; the server keeps the process alive.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => void site.stop().then(resolve));
      process.once('SIGTERM', () => void site.stop().then(resolve));
    });
  });

  const subscribers = describeSubscribers(program);
  for (const name of SUBSCRIBERS_COMMANDS) {
    subscribers[name].action(async (...args: unknown[]) => {
      const { runSubscribers } = await import('./subscribers-command.js');
      await runSubscribers(name, args, { settingsFor, out: io.out, err: io.err });
    });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io, debug);
  }
  return exitCode;
}

/**
 * Commander's own errors (unknown command or option, a missing value) in the voice of every
 * other error: `digest: …` on one line, keeping its "did you mean" hint.
 */
function inOurVoice(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n');
  const hint = rest.join(' ').match(/\(Did you mean (.+)\?\)/);
  const said = first.replace(/^error: /, '').replace(/\.$/, '');
  return `digest: ${said}${hint ? ` (did you mean ${hint[1]}?)` : ''}: run with --help for usage\n`;
}

/** Commander's option names are already the settings' keys (`--time-zone` → `timeZone`). */
function flagsOf(options: Record<string, unknown>): Partial<Record<SettingKey, unknown>> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function reportError(error: unknown, io: Io, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help) already.
    return error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.exitCode === 0
      ? EXIT.ok
      : EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DigestError) {
    io.err(`digest: ${message}`);
  } else {
    io.err(`digest: unexpected error: ${message} (run again with --debug for details)`);
  }
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  return error instanceof UsageError ? EXIT.usage : EXIT.fatal;
}
