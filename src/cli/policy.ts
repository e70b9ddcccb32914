// `flurfunk policy check|test|explain|diff`: what an admin runs before deploying a policy
// change. Works on folders only; no database needed.
import { loadConfig } from '../config/config.js';
import { PolicyInvalidError, UsageError } from '../errors.js';
import { fieldsOf, isSubjectType, SUBJECT_TYPES, actionsOf } from '../policy/catalogue.js';
import { diffPolicies, formatDiff } from '../policy/diff.js';
import { decide, formatDecision } from '../policy/explain.js';
import { loadPolicyFolder, testFailures } from '../policy/load-policy.js';

function policyDir(dir: string | undefined): string {
  return dir ?? loadConfig().policyDir;
}

export function policyCheckCommand(dir: string | undefined): void {
  const { policy, tests } = loadPolicyFolder(policyDir(dir));
  const { set } = policy;
  for (const w of set.warnings) console.log(`warning: ${w}`);
  // Test files must at least be well-formed for the set to be usable by the server.
  if (tests.problems.length > 0) throw new PolicyInvalidError(testFailures({ ...tests, results: [] }), 'The policy tests are invalid');
  console.log(`policy valid: version ${set.version}; ${set.roles.size} roles, ${set.spaces.size} spaces, ${set.rules.length} rules, ${set.retention.length} retention rules, ${tests.results.length} test cases`);
}

export function policyTestCommand(dir: string | undefined, options: { verbose?: boolean }): void {
  const { policy, tests } = loadPolicyFolder(policyDir(dir));
  for (const r of tests.results) {
    if (options.verbose || !r.passed) console.log(`${r.passed ? 'pass' : 'FAIL'} ${r.case.at.file}:${r.case.at.line} ${r.case.name}\n  ${r.detail.replace(/\n/g, '\n  ')}`);
  }
  const failed = tests.results.filter((r) => !r.passed).length;
  if (tests.problems.length > 0 || failed > 0) throw new PolicyInvalidError(testFailures(tests), `${failed} of ${tests.results.length} policy tests failed`);
  if (tests.results.length === 0) throw new PolicyInvalidError(['no test cases found in tests/*.yaml'], 'Nothing was tested');
  console.log(`${tests.results.length} policy tests passed (version ${policy.version.slice(0, 12)})`);
}

/** `Post:spaceId=apollo,participants=alice|bob` → type and fields; list fields split on "|". */
export function parseSubject(spec: string): { type: (typeof SUBJECT_TYPES)[number]; fields: Record<string, string | string[]> } {
  const colon = spec.indexOf(':');
  const type = colon < 0 ? spec : spec.slice(0, colon);
  if (!isSubjectType(type)) throw new UsageError(`--subject: unknown subject "${type}"; one of ${SUBJECT_TYPES.join(', ')}`);
  const fields: Record<string, string | string[]> = {};
  if (colon >= 0 && spec.length > colon + 1) {
    for (const pair of spec.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const kind = fieldsOf(type)[name];
      if (eq < 1 || !kind) throw new UsageError(`--subject: "${pair}" is not field=value with a field of ${type} (${Object.keys(fieldsOf(type)).join(', ') || 'none'})`);
      const value = pair.slice(eq + 1);
      fields[name] = kind === 'list' ? value.split('|').filter(Boolean) : value;
    }
  }
  return { type, fields };
}

/** Comma-separated groups; an LDAP DN's own parts ("OU=…", "DC=…") and escaped "\," stay in it. */
export function splitGroups(values: readonly string[]): string[] {
  const groups: string[] = [];
  for (const value of values) {
    let inDn = false;
    for (const token of value.split(/(?<!\\),/)) {
      const attribute = /^\s*[A-Za-z]+\s*=/.test(token);
      if (attribute && inDn) groups[groups.length - 1] += `,${token}`;
      else groups.push(token);
      inDn = attribute;
    }
  }
  return groups.map((g) => g.trim()).filter(Boolean);
}

export function policyExplainCommand(options: { sub: string; groups?: string[]; action: string; subject: string; dir?: string; json?: boolean }): void {
  const { type, fields } = parseSubject(options.subject);
  if (!actionsOf(type).includes(options.action)) throw new UsageError(`--action: ${type} has no action "${options.action}"; its actions are ${actionsOf(type).join(', ')}`);
  const { policy } = loadPolicyFolder(policyDir(options.dir));
  const principal = policy.principal({ id: options.sub, groups: splitGroups(options.groups ?? []) });
  const decision = decide(policy, principal, options.action, type, fields);
  if (options.json) console.log(JSON.stringify({ version: policy.version, principal, action: options.action, subject: type, fields, ...decision }, null, 2));
  else console.log(formatDecision(decision, principal, options.action, type));
}

export function policyDiffCommand(dirA: string, dirB: string, options: { json?: boolean }): void {
  const a = loadPolicyFolder(dirA).policy.set;
  const b = loadPolicyFolder(dirB).policy.set;
  const diff = diffPolicies(a, b);
  console.log(options.json ? JSON.stringify(diff, null, 2) : formatDiff(diff));
}
