// The shapes the DPO pages read from the API (as src/http/openapi.ts documents them), so a
// page never guesses at a field.
export interface AuditEvent {
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly spaceId: string | null;
  readonly data: unknown;
  readonly hasPersonalContent: boolean;
  readonly policyVersion: string | null;
  readonly correlationId: string | null;
  readonly hash: string;
}

export interface CatalogueEntry {
  readonly type: string;
  readonly category: string;
  readonly categoryTitle: string;
  readonly description: string;
  readonly sealed: string | null;
  readonly streams: readonly string[];
}

export type ExportState = 'running' | 'ready' | 'failed' | 'removed';

export interface ExportJob {
  readonly id: string;
  readonly kind: 'audit-trail' | 'subject-access';
  readonly state: ExportState;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly filters: Readonly<Record<string, unknown>>;
  readonly person: string | null;
  readonly events: number | null;
  readonly bytes: number | null;
  readonly manifestSha256: string | null;
  readonly finishedAt: string | null;
  readonly expiresAt: string | null;
  readonly downloads: number;
  readonly failure: string | null;
  readonly removedBecause: string | null;
}

export interface LegalHold {
  readonly id: string;
  readonly state: 'active' | 'lifted';
  readonly people: readonly string[] | null;
  readonly peopleNotYetKnown: readonly string[];
  readonly spaces: readonly string[] | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly placedBy: string;
  readonly placedAt: string;
  readonly reason: string | null;
  readonly caseReference: string | null;
  readonly liftedBy: string | null;
  readonly liftedAt: string | null;
  readonly liftReason: string | null;
}

export interface RetentionRule {
  readonly subject: string;
  readonly space?: string;
  readonly classification?: string;
  readonly keep: string;
  /** Policy file and line. */
  readonly at: string;
}

export interface RetentionReport {
  readonly runId: string | null;
  readonly dryRun: boolean;
  readonly asOf: string;
  readonly policyVersion: string;
  readonly expired: number;
  readonly held: number;
  readonly shredded: number;
  readonly renewed: number;
  readonly perRule: readonly { rule: RetentionRule; expired: number; held: number; oldest: string; newest: string }[];
  readonly items: readonly { streamId: string; rule: RetentionRule; lastContentAt: string; heldBy?: readonly string[] }[];
  readonly itemsTruncated: boolean;
}

export interface RetentionRun {
  readonly id: string;
  readonly trigger: 'schedule' | 'cli' | 'api';
  readonly startedBy: string;
  readonly startedAt: string;
  readonly asOf: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly finishedAt: string | null;
  readonly shredded: number | null;
  readonly held: number | null;
  readonly renewed: number | null;
  readonly error: string | null;
}

export interface RetentionReceipt {
  readonly position: number;
  readonly type: 'ContentShredded' | 'PersonErased';
  readonly streamId: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly policyVersion: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}
