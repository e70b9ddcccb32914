// `flurfunk events verify`: recompute the chain and check the checkpoints against the
// installation's certificate from the data folder or configuration, never from the database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { ensureMigrated } from '../db/migrations.js';
import { KeyFileError } from '../errors.js';
import { verifyChain, type VerifyReport } from '../events/verify-chain.js';
import { createLogger } from '../log/logger.js';

function loadCertificate(file: string): crypto.X509Certificate {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    throw new KeyFileError(file, 'cannot be read; checkpoints cannot be verified without the signing certificate');
  }
  try {
    return new crypto.X509Certificate(pem);
  } catch {
    throw new KeyFileError(file, 'not a PEM X.509 certificate');
  }
}

export function describeReport(report: VerifyReport): string[] {
  const lines: string[] = [];
  const rate = report.elapsedMs > 0 ? Math.round((report.events / report.elapsedMs) * 1000) : report.events;
  if (report.chainBreak) lines.push(`chain broken at position ${report.chainBreak.position}: ${report.chainBreak.reason}`);
  for (const problem of report.checkpointProblems) lines.push(`checkpoint problem: ${problem}`);
  if (report.ok) {
    lines.push(
      `chain holds: ${report.events} events, head ${report.head.position} ${report.head.hash}, ` +
        `checkpoints ${report.checkpoints.database} in database and ${report.checkpoints.file} in file verified (${rate} events/s)`,
    );
  }
  return lines;
}

export async function verifyCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const certificate = loadCertificate(config.keys.signingCertFile);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    await ensureMigrated(db.knex, false);
    const report = await verifyChain(db.knex, { certificates: [certificate], checkpointFile: config.checkpoints.file });
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of describeReport(report)) (report.ok ? console.log : console.error)(line);
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
