/**
 * Errors meant for people. `message` is one line that says what happened and what to do;
 * the CLI prints it as is (with the stack only under `--debug`).
 */
export class DigestError extends Error {
  override name = 'DigestError';
}

/** The command was called wrongly (bad flag, bad value): exit code 2. */
export class UsageError extends DigestError {
  override name = 'UsageError';
}

/** A template could not be compiled or rendered; names the template file and line. */
export class TemplateError extends DigestError {
  override name = 'TemplateError';
  constructor(
    readonly template: string,
    readonly line: number | undefined,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${template}${line ? `:${line}` : ''}: ${detail}`, options);
  }
}

/** Briefings could not be listed or read at all (missing folder, S3 access denied). */
export class SourceError extends DigestError {
  override name = 'SourceError';
}

/** Configuration is missing or invalid. */
export class ConfigError extends DigestError {
  override name = 'ConfigError';
}
