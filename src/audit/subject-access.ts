// A subject-access export (GDPR Art. 15): everything Flurfunk holds about one person, in the
// audit export's verifiable format — the events that name them (events.jsonl with audiences,
// chain and signed manifest, checked by `flurfunk audit verify`) plus `subject.json`, what the
// read models show about them today. Made on the authority of someone the policy lets answer
// such requests (`accessRequest` on the person, DPOs by default); whose words it opens is
// `subject-content.ts`'s rule. Independent of HTTP and the CLI: both call this.
import type { Knex } from 'knex';
import { ForbiddenError, ValidationError } from '../errors.js';
import { asSubject, type AppAbility } from '../policy/compile.js';
import { reasonFor } from '../posts/commands.js';
import { writeSignedExport, type ExportParts, type ExportSummary } from './export.js';
import { subjectAccessOpens } from './subject-content.js';
import { writeSubjectDocument } from './subject-document.js';
import { subjectSelection } from './subject-events.js';

export interface SubjectAccessRequest {
  /** The person the export is about. */
  readonly personId: string;
  /** Who makes it (recorded in the manifest). */
  readonly by: string;
  readonly ability: AppAbility;
  readonly policyVersion: string | null;
  readonly out: string;
  readonly now: Date;
}

/** The person as a policy subject, with the groups Flurfunk knows; undefined for someone who never signed in. */
export async function knownPerson(knex: Knex, personId: string): Promise<{ userId: string; groups: string[] } | undefined> {
  const row = await knex<{ id: string; groups: string[] }>('users').where('id', personId).first('id', 'groups');
  return row && { userId: row.id, groups: row.groups };
}

const NO_RULE = 'the policy lets only those it names answer subject-access requests (accessRequest on User; data-protection officers by default)';

/**
 * Refuses with the policy's reason unless `ability` may answer this person's request. Asked
 * first without the person (no rule at all: refused before anyone learns whether they exist),
 * then about the person, since a rule may be narrowed to some people.
 */
export function requireAccessRequest(ability: AppAbility, by: string, person?: { userId: string; groups: string[] }): void {
  const subject = person ? asSubject('User', person) : 'User';
  if (!ability.can('accessRequest', subject as never)) throw new ForbiddenError(`${by} may not answer subject-access requests: ${reasonFor(ability, 'accessRequest', subject, NO_RULE)}`);
}

export async function writeSubjectAccessExport(parts: ExportParts, request: SubjectAccessRequest): Promise<ExportSummary> {
  requireAccessRequest(request.ability, request.by);
  const person = await knownPerson(parts.knex, request.personId);
  if (!person) throw new ValidationError(`no person known to Flurfunk with id "${request.personId}" (a person becomes known at their first sign-in)`);
  requireAccessRequest(request.ability, request.by, person);
  return writeSignedExport(parts, {
    by: request.by,
    ability: request.ability,
    policyVersion: request.policyVersion,
    out: request.out,
    now: request.now,
    selection: subjectSelection(parts.knex, request.personId),
    describe: { kind: 'subject-access', subject: request.personId },
    opens: subjectAccessOpens(request.ability, request.personId),
    extraFiles: [{ name: 'subject.json', write: (out) => writeSubjectDocument(parts.knex, parts.store, { personId: request.personId, ability: request.ability, now: request.now }, out) }],
  });
}
