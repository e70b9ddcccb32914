#!/usr/bin/env node
// The `flurfunk` command line: parses sub-commands and options, and maps outcomes to exit
// codes (0 success, 1 a check failed or the command failed, 2 invalid configuration or usage).
import { Command, CommanderError } from 'commander';
import { FlurfunkError } from '../errors.js';
import { variables, variableNames } from '../config/variables.js';
import { version } from '../version.js';
import { serveCommand } from './serve.js';
import { migrateCommand } from './migrate.js';
import { verifyCommand } from './events-verify.js';

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

const program = new Command('flurfunk')
  .description('Flurfunk: internal microblogging on an append-only, hash-chained event store.')
  .version(version)
  .showHelpAfterError()
  .exitOverride()
  .addHelpText('after', configurationHelp);

program
  .command('serve')
  .description('Apply pending migrations and run the HTTP server until SIGTERM or SIGINT.')
  .action(serveCommand);

program.command('migrate').description('Apply pending database migrations and exit.').action(migrateCommand);

const events = program.command('events').description('Work with the event store.');
events
  .command('verify')
  .description('Recompute the whole hash chain and check every signed checkpoint (database and checkpoint file). Exit 0 when all holds; exit 1 naming the first bad position.')
  .option('--json', 'print the report as JSON')
  .action(verifyCommand);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof FlurfunkError && err.expose) {
    console.error(`flurfunk: ${err.message}`);
    process.exitCode = err.code === 'config_invalid' ? 2 : 1;
  } else {
    console.error(`flurfunk: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
