import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DigestError } from '../core/errors.js';

export interface FileLockOptions {
  /** How long to wait for another process's lock before giving up (default: 10 minutes). */
  timeoutMs?: number;
  /** Called once when the lock is held by another process and this one starts waiting. */
  onWait?: (holderPid: number | undefined) => void;
}

/** The lock stayed with another live process for longer than the timeout. */
export class FileLockTimeoutError extends DigestError {
  override name = 'FileLockTimeoutError';
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** A lock file without a pid is being written right now, unless it is older than this (its writer died). */
const UNREADABLE_LOCK_GRACE_MS = 5_000;

/**
 * Runs `work` while holding an exclusive lock on `path`: the file `path.lock`, created only if it
 * does not exist (O_EXCL), holding this process's pid. A lock whose pid is no longer running
 * (killed with -9, machine crash) is taken over; a live one is waited for, retrying with a short
 * backoff, until the timeout. Only processes on this machine are seen: the store is a local file.
 *
 * @example
 * await withFileLock('subscribers.csv', () => rewriteTheList());
 */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  await acquire(lockPath, options);
  try {
    return await work();
  } finally {
    // Only our own lock: one wrongly taken over (a pid from another machine) belongs to its taker.
    if ((await readFile(lockPath, 'utf8').catch(() => '')) === `${process.pid}\n`)
      await unlink(lockPath).catch(() => {});
  }
}

/** Whether a process with this pid is running (one we may not signal still counts). */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    if (await create(lockPath)) return;
    const holder = await readHolder(lockPath);
    if (holder === 'released') continue;
    if (holder.stale) {
      await breakStaleLock(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new FileLockTimeoutError(
        `${lockPath} is held by another digest (pid ${holder.pid ?? 'unknown'}) and was not released in time: ` +
          `wait for it to finish, or delete ${lockPath} if no digest is running`,
      );
    }
    if (!waited) options.onWait?.(holder.pid);
    waited = true;
    await sleep(Math.min(25 * 2 ** attempt, 500));
  }
}

/** Creates the lock file with this pid; false when it exists already. */
async function create(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') throw new DigestError(`${lockPath}: the folder does not exist: create it first`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new DigestError(
        `${lockPath}: cannot create files in this folder (${code}): check its permissions`,
      );
    throw error;
  }
}

interface LockFile {
  pid: number | undefined;
  content: string;
  inode: number;
  stale: boolean;
}
type Holder = 'released' | LockFile;

async function readHolder(lockPath: string): Promise<Holder> {
  try {
    const [content, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = /^\d+\n$/.test(content) ? Number(content.trim()) : undefined;
    const stale = pid === undefined ? Date.now() - info.mtimeMs > UNREADABLE_LOCK_GRACE_MS : !isRunning(pid);
    return { pid, content, inode: info.ino, stale };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'released';
    throw error;
  }
}

/**
 * Removes a lock left by a dead process. Two waiters may find the same stale lock; only the one
 * that creates `path.lock.break` removes it, and only if it still holds what was found stale, so a
 * waiter can never remove a lock another waiter has just taken.
 */
async function breakStaleLock(lockPath: string, stale: LockFile): Promise<void> {
  const breaker = `${lockPath}.break`;
  if (!(await create(breaker))) {
    // Another waiter is breaking it; a breaker left by a process killed in that instant is stale too.
    const other = await readHolder(breaker);
    if (other !== 'released' && other.stale) await unlink(breaker).catch(() => {});
    await sleep(10);
    return;
  }
  try {
    const now = await readHolder(lockPath);
    if (now !== 'released' && now.inode === stale.inode && now.content === stale.content)
      await unlink(lockPath).catch(() => {});
  } finally {
    await unlink(breaker).catch(() => {});
  }
}
