// `flurfunk audit verify`: check an export with nothing but the ZIP (no configuration, no
// database), so it loads none of the code that makes exports.
import { verifyAuditExport } from '../audit/verify-export.js';

export async function auditVerifyCommand(file: string, options: { json?: boolean }): Promise<void> {
  const report = await verifyAuditExport(file);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else if (report.ok) console.log(`export verified: signature, ${report.events} events, every file and the chain hold`);
  else for (const problem of report.problems) console.error(problem);
  process.exitCode = report.ok ? 0 : 1;
}
