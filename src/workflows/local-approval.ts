import {
  DamagedApprovalError,
  readLocalApproval,
  readLocalBuild,
  writeLocalApproval,
} from '../adapters/approval-fs.js';
import { checkLocalApproval, utcMinute } from '../core/delivery/approval.js';
import { DigestError, UsageError } from '../core/errors.js';

/**
 * Approval of a local build (`digest build` with `approval: required`): `digest approve --digest
 * DIR` writes `approval.json` beside the manifest, `digest hold --digest DIR` replaces it with a
 * hold, and `digest send` refuses a draft or a held build in one line. The record names the exact
 * files it covers, so a build made again after it is a draft again.
 */

/** `out` → `out/`, as the messages name a folder. */
const shown = (folder: string) => `${folder.replace(/\/+$/, '')}/`;
const approveCommand = (folder: string) => `digest approve --digest ${folder}`;

/** Throws the one line `digest send` says when the build in `folder` may not be sent yet. */
export async function assertSendable(folder: string): Promise<void> {
  const check = checkLocalApproval(await readLocalBuild(folder), await readLocalApproval(folder));
  if (check.ok) return;
  switch (check.reason) {
    case 'draft':
      throw new DigestError(
        `${shown(folder)} is a draft waiting for approval: run "${approveCommand(folder)}" first`,
      );
    case 'held':
      throw new DigestError(`${shown(folder)} is held: run "${approveCommand(folder)}" to release it`);
    case 'changed':
      throw new DigestError(
        `${shown(folder)} was built again after its approval: run "${approveCommand(folder)}" to approve this build`,
      );
  }
}

/** Approves the build in `folder`; the line to print. */
export async function approveLocalBuild(
  folder: string,
  issueId: string | undefined,
  now: Date,
): Promise<string> {
  const { build, record, current } = await buildAndApproval(folder, issueId);
  const send = `"digest send --digest ${folder}" sends it`;
  if (current && record?.status === 'approved')
    return `${build.issueId} in ${shown(folder)} was approved already (${utcMinute(record.at)}): ${send}.`;
  if (build.approval !== 'required' && !(current && record?.status === 'held'))
    return `${shown(folder)} needs no approval (it was built without approval required): ${send}.`;
  await writeLocalApproval(folder, {
    issueId: build.issueId,
    status: 'approved',
    at: now.toISOString(),
    content: build.content,
  });
  const held = current && record?.status === 'held' ? ', which was held' : '';
  return `Approved ${build.issueId} in ${shown(folder)}${held}: ${send}.`;
}

/** Holds the build in `folder` (withdrawing an approval); the line to print. */
export async function holdLocalBuild(
  folder: string,
  issueId: string | undefined,
  now: Date,
): Promise<string> {
  const { build, record, current } = await buildAndApproval(folder, issueId);
  const until = `"digest send" refuses it until "${approveCommand(folder)}"`;
  if (current && record?.status === 'held')
    return `${build.issueId} in ${shown(folder)} was held already (${utcMinute(record.at)}): ${until}.`;
  await writeLocalApproval(folder, {
    issueId: build.issueId,
    status: 'held',
    at: now.toISOString(),
    content: build.content,
  });
  const withdrawn = current && record?.status === 'approved' ? ' (its approval is withdrawn)' : '';
  return `Held ${build.issueId} in ${shown(folder)}${withdrawn}: ${until}.`;
}

/** The build in `folder`, its approval record, and whether that record is about this very build. */
async function buildAndApproval(folder: string, issueId: string | undefined) {
  const build = await readBuild(folder, issueId);
  // Approving or holding writes a new record: a damaged one is simply replaced.
  const record = await readLocalApproval(folder).catch((error: unknown) => {
    if (error instanceof DamagedApprovalError) return undefined;
    throw error;
  });
  const current = record?.issueId === build.issueId && record.content === build.content;
  return { build, record, current };
}

async function readBuild(folder: string, issueId: string | undefined) {
  const build = await readLocalBuild(folder);
  if (issueId !== undefined && issueId !== build.issueId)
    throw new UsageError(
      `${shown(folder)} holds ${build.issueId}, not ${issueId}: check the issue id, or name the stack with --stack`,
    );
  return build;
}
