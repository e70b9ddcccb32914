// The policy set as the engine uses it: every file merged, checked, and versioned. Each
// part remembers where it was written, for explain, diff and error messages.
import type { Classification, SubjectType } from './catalogue.js';
import type { Location } from './yaml-source.js';

export interface ClaimNames {
  readonly subject: string;
  readonly name: string;
  readonly email: string;
  readonly groups: string;
}

export interface GroupDirectory {
  /** The directory's groups, when the files list them; naming another group is an error. */
  readonly known: readonly string[] | undefined;
  /** Lower-cased id or old name → group name as the files spell it. */
  readonly aliases: ReadonlyMap<string, string>;
}

export interface Role {
  readonly name: string;
  readonly description: string | undefined;
  readonly everyone: boolean;
  readonly groups: readonly string[];
  readonly users: readonly string[];
  readonly at: Location;
}

export interface AccessList {
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly at: Location;
}

export interface Space {
  readonly id: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly classification: Classification;
  readonly read: AccessList;
  readonly post: AccessList | undefined;
  readonly moderate: AccessList | undefined;
  readonly at: Location;
}

/** A condition on one field: equality (on a list field: "contains"), or membership. */
export type Condition =
  | { readonly op: 'eq' | 'ne'; readonly value: string }
  | { readonly op: 'in' | 'nin'; readonly value: readonly string[] | '$user.groups' };

export interface Rule {
  readonly effect: 'allow' | 'deny';
  /** Expanded: `manage` is already the subject's every action. */
  readonly actions: readonly string[];
  readonly subject: SubjectType;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly when: Readonly<Record<string, Condition>> | undefined;
  readonly because: string | undefined;
  readonly at: Location;
}

export interface Limits {
  readonly postLength: number;
  readonly commentLength: number;
  readonly messageLength: number;
  readonly attachments: { readonly maxBytes: number; readonly types: readonly string[] };
  /** Audit export files through the API: removed after this many downloads, or unfetched after so many hours. */
  readonly exports: { readonly keepHours: number; readonly maxDownloads: number };
}

export interface RetentionRule {
  readonly subject: 'Post' | 'Comment' | 'DirectMessage' | 'Attachment' | 'AuditLog';
  readonly space: string | undefined;
  readonly classification: Classification | undefined;
  readonly keep: string;
  readonly because: string | undefined;
  readonly at: Location;
}

export interface Guideline {
  readonly version: string;
  readonly title: string;
  readonly file: string;
  readonly text: string;
}

export interface PolicySet {
  /** SHA-256 (hex) of the canonical content: formatting and comments do not change it. */
  readonly version: string;
  /** The files as read (name relative to the folder → text); they travel with activation events. */
  readonly files: Readonly<Record<string, string>>;
  readonly claims: ClaimNames;
  readonly directory: GroupDirectory;
  readonly roles: ReadonlyMap<string, Role>;
  readonly spaces: ReadonlyMap<string, Space>;
  readonly rules: readonly Rule[];
  readonly limits: Limits;
  readonly retention: readonly RetentionRule[];
  readonly guideline: Guideline | undefined;
  /** Legal but suspicious: shown by `policy check`, never blocking. */
  readonly warnings: readonly string[];
}

export const DEFAULT_CLAIMS: ClaimNames = { subject: 'sub', name: 'name', email: 'email', groups: 'groups' };

export const DEFAULT_LIMITS: Limits = {
  postLength: 5000,
  commentLength: 2000,
  messageLength: 5000,
  attachments: { maxBytes: 25 * 1024 * 1024, types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] },
  exports: { keepHours: 24, maxDownloads: 1 },
};
