// The closed vocabulary of policy files: subjects, the actions each one has, and the fields
// rules may test. The schema, the compiler and the SQL translation all read it, so a field a
// rule can name is exactly a field a query can filter on.

export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'secret'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** A field's shape decides CASL's meaning of a test: on a list, "equals" means "contains". */
export type FieldKind = 'text' | 'list';

interface SubjectSpec {
  readonly description: string;
  readonly actions: readonly string[];
  readonly fields: Readonly<Record<string, FieldKind>>;
}

export const SUBJECTS = {
  Space: {
    description: 'a space (a project, department or company-wide group)',
    actions: ['read', 'follow', 'moderate'],
    fields: { spaceId: 'text', classification: 'text' },
  },
  Post: {
    description: 'a post in a space',
    actions: ['read', 'create', 'update', 'delete', 'react', 'report', 'pin', 'readHistory', 'export', 'inspect'],
    fields: { spaceId: 'text', classification: 'text', authorId: 'text', mentions: 'list', topics: 'list' },
  },
  Comment: {
    description: 'a comment (reply) on a post',
    actions: ['read', 'create', 'update', 'delete', 'markAnswer', 'export'],
    fields: { spaceId: 'text', classification: 'text', authorId: 'text', postAuthorId: 'text' },
  },
  DirectMessage: {
    description: 'a direct message or a message in a private conversation',
    actions: ['read', 'create', 'delete', 'export', 'inspect'],
    fields: { conversationId: 'text', authorId: 'text', participants: 'list' },
  },
  Attachment: {
    description: 'a file attached to a post, comment or message',
    actions: ['read', 'create', 'delete'],
    fields: { spaceId: 'text', classification: 'text', authorId: 'text', mediaType: 'text', participants: 'list' },
  },
  AuditLog: {
    description: 'the audit trail',
    actions: ['read', 'export'],
    fields: { actor: 'text', spaceId: 'text' },
  },
  Export: {
    description: 'an audit export',
    actions: ['read', 'create', 'delete'],
    fields: { requestedBy: 'text' },
  },
  LegalHold: {
    description: 'a legal hold on people, spaces or a time range',
    actions: ['read', 'create', 'delete'],
    fields: { placedBy: 'text' },
  },
  Retention: {
    description: 'the retention sweeper: its runs, receipts and what is due',
    actions: ['read', 'run'],
    fields: {},
  },
  Policy: {
    description: 'the active policy set, its tests and explanations',
    actions: ['read', 'explain'],
    fields: {},
  },
  User: {
    description: 'a person known to Flurfunk (profile, directory groups)',
    // accessRequest: answer the person's subject-access request (GDPR Art. 15) with an export of what Flurfunk holds about them.
    actions: ['read', 'follow', 'erase', 'accessRequest'],
    fields: { userId: 'text', groups: 'list' },
  },
} as const satisfies Record<string, SubjectSpec>;

export type SubjectType = keyof typeof SUBJECTS;
export const SUBJECT_TYPES = Object.keys(SUBJECTS) as SubjectType[];

/** `manage` in a rule stands for every ordinary action of its subject. */
export const MANAGE = 'manage';

/**
 * Privileged actions reach past the read lists: `inspect` is a data-protection officer's stated,
 * recorded read of content they could not read as a member. Because it opens what the spaces
 * close, it is granted only by a rule that names it: `manage` does not include it, and the
 * confidentiality guard does not stop it (deny rules do). Every use is recorded with a reason
 * and shown to the people whose content it was (src/privileged/).
 */
export const PRIVILEGED_ACTIONS: ReadonlySet<string> = new Set(['inspect']);

export function isSubjectType(name: string): name is SubjectType {
  return Object.hasOwn(SUBJECTS, name);
}

export function actionsOf(subject: SubjectType): readonly string[] {
  return SUBJECTS[subject].actions;
}

/** The actions `manage` stands for and the confidentiality guard closes: all but the privileged. */
export function ordinaryActionsOf(subject: SubjectType): readonly string[] {
  return SUBJECTS[subject].actions.filter((a) => !PRIVILEGED_ACTIONS.has(a));
}

export function fieldsOf(subject: SubjectType): Readonly<Record<string, FieldKind>> {
  return SUBJECTS[subject].fields;
}

/** Every action of any subject, for messages and the CLI. */
export const ALL_ACTIONS: readonly string[] = [...new Set(SUBJECT_TYPES.flatMap((s) => SUBJECTS[s].actions))].sort();

/** Subjects whose records live in a space: spaces grant on them, confidentiality guards them. */
export const SPACE_CONTENT: readonly SubjectType[] = ['Space', 'Post', 'Comment', 'Attachment'];
