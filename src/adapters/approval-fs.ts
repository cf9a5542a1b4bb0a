import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentFingerprint, type LocalApproval } from '../core/delivery/approval.js';
import { DigestError } from '../core/errors.js';
import { writeFileAtomic } from './fs-output.js';

/** Beside `digest.json`: the approval (or hold) of that build. */
export const APPROVAL_FILE = 'approval.json';
/** The files `digest send` reads, which an approval covers. */
const SENT_FILES = ['digest.json', 'message.html', 'message.txt'] as const;

/** A local build as approval sees it: its manifest's id and approval, and its fingerprint. */
export interface LocalBuild {
  issueId: string;
  approval?: string;
  content: string;
}

/** Reads the build in `folder`; one line that says what to do when there is none. */
export async function readLocalBuild(folder: string): Promise<LocalBuild> {
  const files = await Promise.all(
    SENT_FILES.map(async (name) => {
      try {
        return await readFile(join(folder, name), 'utf8');
      } catch {
        throw new DigestError(
          `no built digest in ${folder} (${name} is missing): run "digest build --out ${folder}" first`,
        );
      }
    }),
  );
  let manifest: { issueId?: unknown; approval?: unknown };
  try {
    manifest = JSON.parse(files[0] ?? '') as typeof manifest;
  } catch {
    throw new DigestError(`${join(folder, 'digest.json')} is not readable: build the digest again`);
  }
  if (typeof manifest.issueId !== 'string')
    throw new DigestError(`${join(folder, 'digest.json')} has no issueId: build the digest again`);
  return {
    issueId: manifest.issueId,
    ...(typeof manifest.approval === 'string' ? { approval: manifest.approval } : {}),
    content: contentFingerprint(files),
  };
}

/** An `approval.json` that is not one: `digest send` refuses it; approve and hold replace it. */
export class DamagedApprovalError extends DigestError {}

/** The approval on file, or undefined; a damaged file is reported, never taken as an approval. */
export async function readLocalApproval(folder: string): Promise<LocalApproval | undefined> {
  const path = join(folder, APPROVAL_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DigestError(`${path} cannot be read (${(error as Error).message}): check the file`);
  }
  try {
    const record = JSON.parse(text) as Partial<LocalApproval>;
    if (
      typeof record.issueId === 'string' &&
      (record.status === 'approved' || record.status === 'held') &&
      typeof record.at === 'string' &&
      typeof record.content === 'string'
    )
      return record as LocalApproval;
  } catch {
    // Reported below, the same as a file of the wrong shape.
  }
  throw new DamagedApprovalError(
    `${path} is damaged: run "digest approve --digest ${folder}" (or "digest hold --digest ${folder}") to replace it`,
  );
}

export async function writeLocalApproval(folder: string, record: LocalApproval): Promise<void> {
  await writeFileAtomic(join(folder, APPROVAL_FILE), `${JSON.stringify(record, null, 2)}\n`);
}
