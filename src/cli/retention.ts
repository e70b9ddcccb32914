// `flurfunk retention run [--dry-run]`: a retention sweep from the command line, the same as
// the server's schedule runs (and under the same run lock, so the two never overlap). Without
// --as it runs as the schedule does (system:retention, for cron); with --as on that person's
// authority (the policy must allow run on Retention, or read for a dry run).
import { UsageError } from '../errors.js';
import { retentionDeps } from '../http/retention-routes.js';
import { runRetention } from '../retention/retention-service.js';
import type { SweepReport } from '../retention/sweep.js';
import { withCaller } from './with-caller.js';

export interface RetentionRunOptions {
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly as?: string;
  readonly batch?: string;
}

function describe(report: SweepReport): string {
  const lines = [
    `${report.dryRun ? 'dry run: would shred' : `run ${report.runId}: shredded`} ${report.shredded} of ${report.expired} expired streams as of ${report.asOf} (policy ${report.policyVersion.slice(0, 12)}); ${report.held} held by legal holds${report.dryRun ? '' : `, ${report.renewed} written to meanwhile and kept`}`,
  ];
  for (const r of report.perRule) {
    const scope = [r.rule.space && `space ${r.rule.space}`, r.rule.classification && `classification ${r.rule.classification}`].filter(Boolean).join(', ');
    lines.push(`  ${r.rule.subject}${scope ? ` (${scope})` : ''} keep ${r.rule.keep} [${r.rule.at}]: ${r.expired} expired, ${r.held} held; last content from ${r.oldest} to ${r.newest}`);
  }
  if (report.dryRun) for (const item of report.items) lines.push(`  ${item.heldBy ? 'held  ' : 'shred '} ${item.streamId}  last content ${item.lastContentAt}${item.heldBy ? `  by hold ${item.heldBy.join(', ')}` : ''}`);
  return lines.join('\n');
}

export async function retentionRunCommand(options: RetentionRunOptions): Promise<void> {
  const batchSize = options.batch === undefined ? undefined : Number(options.batch);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)) throw new UsageError('--batch: an integer from 1 to 10000');
  const report = await withCaller(options.as, (runtime, projector, caller) =>
    runRetention(retentionDeps(runtime, projector), caller, { dryRun: options.dryRun === true, trigger: 'cli', batchSize }),
  );
  console.log(options.json ? JSON.stringify(report, null, 2) : describe(report));
}
