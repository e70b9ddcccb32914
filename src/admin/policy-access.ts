// Who may look into the policy: every admin endpoint starts here. The caller's ability under
// the active set decides (`read Policy`, `explain Policy`); a refusal carries the policy's reason.
import type { Knex } from 'knex';
import type { ActivePolicy } from '../policy/active-policy.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { refusal } from '../policy/refusal.js';
import type { Caller } from '../posts/commands.js';

export interface AdminDeps {
  readonly knex: Knex;
  readonly policy: ActivePolicy;
  /** The folder the active set was proposed from (POLICY_DIR). */
  readonly policyDir: string;
}

export type PolicyAction = 'read' | 'explain';

/** The active set, once the caller may take `action` on Policy; ForbiddenError otherwise. */
export function policyFor(deps: AdminDeps, caller: Caller, action: PolicyAction): CompiledPolicy {
  const policy = deps.policy.current;
  const { id, groups, name, email } = caller.principal;
  const ability = policy.abilityFor(policy.principal({ id, groups, name, email }));
  if (!ability.can(action, 'Policy')) throw refusal(ability, action, 'Policy', 'The policy view is for those the policy names (administrators).');
  return policy;
}
