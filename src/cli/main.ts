#!/usr/bin/env node
// The `flurfunk` executable: runs the command line (program.ts) on this process's arguments.
import { runCommandLine } from './program.js';

await runCommandLine(process.argv);
