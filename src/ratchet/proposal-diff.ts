/** The proposed-defaults diff: accepted changes rewritten into the constants file, as a unified diff. Pure. */
import { unifiedDiff } from '../constants/diff.js';
import type { ConstantsSource } from '../constants/file-model.js';
import { findConstant } from '../constants/registry.js';
import { rewriteConstants } from '../constants/rewrite.js';
import type { ProposedDiff } from '../report/ratchet-report.js';
import type { RatchetDecision } from './ratchet.js';

export function proposedDiff(decisions: readonly RatchetDecision[], file: ConstantsSource): ProposedDiff {
  const inFile = new Map(file.parsed.constants.map((c) => [findConstant(c.name)?.name ?? c.name, c]));
  const changes: Record<string, number> = {};
  const notApplicable: { constant: string; reason: string }[] = [];
  for (const d of decisions) {
    if (d.action !== 'ACCEPT' || d.proposed === null) continue;
    const spec = findConstant(d.constant);
    const assigned = inFile.get(d.constant);
    if (!spec?.isAttribute) {
      notApplicable.push({
        constant: d.constant,
        reason: spec?.codeDefault
          ? `a code default, not a Defaults attribute: change ${spec.codeDefault}`
          : 'not a Defaults attribute: change its default in the code',
      });
    } else if (!assigned) {
      notApplicable.push({
        constant: d.constant,
        reason: `not assigned in ${file.path}: add it to the class`,
      });
    } else if (!assigned.tunable) {
      notApplicable.push({
        constant: d.constant,
        reason: `${assigned.reason ?? 'not tunable'} in ${file.path}`,
      });
    } else {
      changes[assigned.name] = d.proposed;
    }
  }
  const rewrite = rewriteConstants(file.source, file.parsed, changes);
  // A file's byte-order mark belongs to its first line, so a diff that touches that line matches the bytes.
  const bom = file.encoding === 'utf-8-sig' ? '\uFEFF' : '';
  return {
    path: file.path,
    text: unifiedDiff(file.path, bom + file.source, bom + rewrite.text),
    encoding: file.encoding === 'latin-1' ? 'latin-1' : 'utf-8',
    edits: rewrite.edits,
    notApplicable,
  };
}
