// The `flurfunk` command line: parses sub-commands and options, and maps outcomes to exit
// codes (0 success, 1 a check failed or the command failed, 2 invalid configuration or usage).
// main.ts runs it on the process's arguments; tests may run it in their own process.
import { Command, CommanderError } from 'commander';
import { FlurfunkError } from '../errors.js';
import { variables, variableNames } from '../config/variables.js';
import { version } from '../version.js';

/**
 * A command's action, loaded only when that command runs: `policy check` or `--help` need not
 * load the HTTP server, the database drivers and the export code (most of a start's time).
 */
function later<K extends string, M extends Record<K, (...args: never[]) => unknown>>(load: () => Promise<M>, name: K): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    await (await load())[name](...(args as never[]));
  };
}

const serve = () => import('./serve.js');
const migrate = () => import('./migrate.js');
const auditCommands = () => import('./audit.js');
const auditVerify = () => import('./audit-verify.js');
const rebuild = () => import('./events-rebuild.js');
const holdCommands = () => import('./hold.js');
const retentionCommands = () => import('./retention.js');
const eraseCommands = () => import('./erase.js');
const verify = () => import('./events-verify.js');
const policyCommands = () => import('./policy.js');

const configurationHelp = [
  '',
  'Configuration (environment variables, or a JSON file named by FLURFUNK_CONFIG):',
  ...variableNames.map((name) => {
    const spec = variables[name];
    return `  ${name.padEnd(30)} ${spec.expected}${'default' in spec ? ` (default: ${spec.default})` : ''}`;
  }),
  '',
  'Exit codes: 0 success; 1 a check or the command failed; 2 invalid configuration or usage.',
].join('\n');

/** A fresh command tree: commander keeps parsed options on it, so one per run. */
export function commandLine(): Command {
  const program = new Command('flurfunk')
    .description('Flurfunk: internal microblogging on an append-only, hash-chained event store.')
    .version(version)
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', configurationHelp);

  program
    .command('serve')
    .description(
      'Apply pending migrations, activate the policy folder, and run the HTTP server (the API under /api and the web UI built into dist/web by npm run build) until SIGTERM or SIGINT. Sign-in uses OIDC_ISSUER; without it (never in production) a development identity provider runs at $PUBLIC_URL/oidc with the demo people of FLURFUNK_DEV_USERS.',
    )
    .action(later(serve, 'serveCommand'));

  program.command('migrate').description('Apply pending database migrations and exit.').action(later(migrate, 'migrateCommand'));

  const events = program.command('events').description('Work with the event store.');
  events
    .command('verify')
    .description('Recompute the whole hash chain and check every signed checkpoint (database and checkpoint file). Exit 0 when all holds; exit 1 naming the first bad position.')
    .option('--json', 'print the report as JSON')
    .action(later(verify, 'verifyCommand'));
  events
    .command('rebuild')
    .description('Recreate every read model (users, posts, comments, follows, conversations, attachments, notifications, reactions, pins, reports, privileged-read notices, legal holds, …) from the events. Stop the servers using the database first.')
    .action(later(rebuild, 'rebuildCommand'));

  const audit = program.command('audit').description('Signed exports of the audit trail for auditors and of one person\'s data for that person, and their verification.');
  audit
    .command('export')
    .description('Write a signed ZIP of the audit trail (events.jsonl, events.csv, chain.json, manifest.json and its CMS signature, certificate.pem, README.txt) on the authority of a person the policy lets export it.')
    .requiredOption('--as <userId>', 'the person exporting (a data-protection officer); their policy decides what is exported and what content is opened')
    .requiredOption('--out <file.zip>', 'where to write the ZIP (owner-only permissions; written completely or not at all)')
    .option('--from <date>', 'events at or after this ISO 8601 date or date-time')
    .option('--to <date>', 'events at or before this ISO 8601 date or date-time')
    .option('--actor <id>', 'only events caused by this person (or system:<job>)')
    .option('--space <id>', 'only events concerning this space')
    .option('--type <types>', 'only these event types, comma-separated')
    .option('--stream <id>', 'only this stream')
    .action(later(auditCommands, 'auditExportCommand'));
  audit
    .command('subject-access')
    .description(
      'Answer a subject-access request (GDPR Art. 15): a signed ZIP in the audit export\'s format of everything Flurfunk holds about one person — the events naming them (events.jsonl, checked by `audit verify`) and subject.json (profile, sign-ins, sessions, posts, comments, conversations, messages, files, follows, reactions, reports, notifications). Their own texts are included (posts and comments only where the policy lets them leave Flurfunk); of what others wrote, only facts. Recorded as a SubjectAccessExported event.',
    )
    .requiredOption('--as <userId>', 'the person answering the request (a data-protection officer: the policy must allow accessRequest on User)')
    .requiredOption('--person <userId>', 'the person the request is about (must have signed in to Flurfunk)')
    .requiredOption('--out <file.zip>', 'where to write the ZIP (owner-only permissions; written completely or not at all)')
    .action(later(auditCommands, 'subjectAccessCommand'));
  audit
    .command('verify')
    .description('Check an export with nothing but the ZIP: signature, every file\'s SHA-256, every event\'s hash and link, and the signed checkpoints. Exit 0 when all hold, 1 naming what fails.')
    .argument('<file.zip>')
    .option('--json', 'print the report as JSON')
    .action(later(auditVerify, 'auditVerifyCommand'));

  const hold = program.command('hold').description('Legal holds: while a hold is active, retention shreds nothing it covers. For those the policy lets manage LegalHold (data-protection officers).');
  hold
    .command('place')
    .description(
      'Place a legal hold (LegalHoldPlaced). Name people, spaces and/or a time range, at least one; content is held when it matches EVERY criterion named, e.g. --person ada --space project-apollo --from 2026-01-01 --to 2026-03-31 holds ada\'s content in project-apollo from January to March. Dates alone are whole days in UTC, both ends inclusive. People need not have signed in yet; spaces must be the policy\'s. Prints the hold\'s id.',
    )
    .requiredOption('--as <userId>', 'the person placing the hold (the policy must allow create on LegalHold)')
    .option('--person <userId>', 'hold content this person wrote or takes part in; repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--space <spaceId>', 'hold content in this space; repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--from <date>', 'hold content from this ISO 8601 date or date-time on')
    .option('--to <date>', 'hold content up to this ISO 8601 date or date-time')
    .requiredOption('--reason <text>', 'why content must be kept (10–500 characters; sealed in the event)')
    .requiredOption('--case <ref>', 'the case or matter reference (1–100 characters; sealed in the event)')
    .action(later(holdCommands, 'holdPlaceCommand'));
  hold
    .command('list')
    .description('List legal holds, active and lifted, newest first, with their reasons and case references (the policy must allow read on LegalHold).')
    .requiredOption('--as <userId>', 'the person asking (reasons and case references are sealed; the policy decides who may read them)')
    .option('--json', 'print the holds as JSON, as GET /api/holds answers them')
    .action(later(holdCommands, 'holdListCommand'));
  hold
    .command('lift')
    .argument('<id>', 'the hold\'s id')
    .description('Lift a legal hold (LegalHoldLifted): retention may then shred what only this hold kept. Exit 1 when it was lifted already.')
    .requiredOption('--as <userId>', 'the person lifting the hold (the policy must allow delete on LegalHold)')
    .requiredOption('--reason <text>', 'why the hold ends (10–500 characters; sealed in the event)')
    .action(later(holdCommands, 'holdLiftCommand'));

  const retention = program.command('retention').description('Retention: content whose period under the policy\'s retention rules is over is erased by destroying its data keys (crypto-shredding), except what a legal hold covers.');
  retention
    .command('run')
    .description(
      'Run a retention sweep now, as the server does on its schedule (FLURFUNK_RETENTION_INTERVAL): for each expired stream (a post with its comments, a conversation, a file, a sealed audit record) not covered by a legal hold, append a ContentShredded receipt and destroy its data keys and read-model rows, then VACUUM. Prints the counts per rule. With --dry-run, changes nothing and prints exactly what a run would shred and what holds keep. Exit 0 when the run completed; 1 with the reason when it failed (the next run continues).',
    )
    .option('--dry-run', 'change nothing: list what would be shredded and what legal holds keep')
    .option('--json', 'print the report as JSON (as POST /api/retention/runs answers, with every item)')
    .option('--as <userId>', 'run on this person\'s authority (the policy must allow run on Retention, read for --dry-run); without it, as the schedule (system:retention)')
    .option('--batch <n>', 'streams per batch (default 500)')
    .action(later(retentionCommands, 'retentionRunCommand'));

  program
    .command('erase')
    .description(
      'Erase one person\'s content on request (GDPR Art. 17), on the authority of someone the policy lets erase them (User: erase): destroys every data key that sealed their words — posts (kept as empty placeholders so others\' comments keep their thread), comments, messages, conversation titles, files, profile — and their activity in the read models; mentions of them read as a placeholder. Others\' content stays. Legal holds win: streams a hold covers keep their content, and the receipt says so. Records PersonErased on erasure:<id>; with --receipt, writes its signed export (check it with `flurfunk audit verify`). Exit 0 when done, 1 with the reason when refused, 2 for bad options.',
    )
    .requiredOption('--as <userId>', 'the person erasing (the policy must allow erase on User, and export on AuditLog for --receipt)')
    .requiredOption('--person <userId>', 'whose content to erase')
    .option('--reason <text>', 'why (10–500 characters; sealed in the receipt); required unless --dry-run')
    .option('--case <ref>', 'the request or case reference (1–100 characters; sealed)')
    .option('--dry-run', 'erase nothing: say what would be erased and what legal holds keep')
    .option('--receipt <file.zip>', 'write the signed receipt (an audit export of the erasure) to this file')
    .option('--json', 'print the result as JSON, as POST /api/people/{userId}/erasure answers')
    .action(later(eraseCommands, 'eraseCommand'));

  const policy = program.command('policy').description('Check, test, explain and compare policy folders (no database needed).');
  policy
    .command('check')
    .argument('[dir]', 'policy folder (default: POLICY_DIR)')
    .description('Validate a policy folder and its test files. Exit 1 with file:line:column messages when invalid.')
    .action(later(policyCommands, 'policyCheckCommand'));
  policy
    .command('test')
    .argument('[dir]', 'policy folder (default: POLICY_DIR)')
    .option('-v, --verbose', 'show every case with the rule that decided it, not only failures')
    .description('Run the cases in DIR/tests/*.yaml. Exit 1 when any fails.')
    .action(later(policyCommands, 'policyTestCommand'));
  policy
    .command('explain')
    .requiredOption('--sub <id>', 'the user id (subject claim)')
    .option('--groups <list>', 'comma-separated directory groups in any form the identity provider sends (LDAP DNs included); repeatable', (v: string, all: string[] = []) => [...all, v])
    .requiredOption('--action <action>', 'e.g. read, create, update, export')
    .requiredOption('--subject <spec>', 'Type[:field=value,...], e.g. Post:spaceId=sales,authorId=bob; list fields take a|b')
    .option('--dir <dir>', 'policy folder (default: POLICY_DIR)')
    .option('--json', 'print the decision as JSON')
    .description('Say whether the user may do it, and which rule (file:line) decided.')
    .action(later(policyCommands, 'policyExplainCommand'));
  policy
    .command('diff')
    .argument('<dirA>', 'the policy folder now in use')
    .argument('<dirB>', 'the changed policy folder')
    .option('--json', 'print the differences as JSON')
    .description('Show what each role and directory group gains (+) and loses (-) from DIR_A to DIR_B, and changed limits, retention and guideline.')
    .action(later(policyCommands, 'policyDiffCommand'));

  return program;
}

/**
 * Runs the command line on `argv` (as process.argv: node, script, arguments) and sets
 * process.exitCode to the outcome's exit code.
 */
export async function runCommandLine(argv: readonly string[]): Promise<void> {
  try {
    await commandLine().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
    } else if (err instanceof FlurfunkError && err.expose) {
      console.error(`flurfunk: ${err.message}`);
      process.exitCode = err.code === 'config_invalid' || err.code === 'usage_invalid' ? 2 : 1;
    } else {
      console.error(`flurfunk: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}
