// The closed catalogue of errors Flurfunk raises on purpose. Each carries a stable code;
// `expose` decides whether its message may leave the process (HTTP answers, CLI output).
export type ErrorCode =
  | 'config_invalid'
  | 'data_dir_locked'
  | 'installation_key_mismatch'
  | 'signing_key_mismatch'
  | 'key_file_invalid'
  | 'wrong_expected_version'
  | 'event_invalid'
  | 'append_only'
  | 'database_unavailable'
  | 'migrations_pending'
  | 'store_closed'
  | 'not_found'
  | 'policy_invalid'
  | 'usage_invalid'
  | 'forbidden'
  | 'validation_failed'
  | 'guideline_not_accepted'
  | 'too_large'
  | 'read_model_lag'
  | 'unsupported_type'
  | 'conflict'
  | 'gone';

export class FlurfunkError extends Error {
  readonly code: ErrorCode;
  /** Whether the message is safe to show to whoever caused the error. */
  readonly expose: boolean;

  constructor(code: ErrorCode, message: string, options: { expose?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.expose = options.expose ?? false;
  }
}

/** Configuration that cannot be used; the message names the variable and what was expected. */
export class ConfigError extends FlurfunkError {
  constructor(readonly problems: readonly string[]) {
    super('config_invalid', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, { expose: true });
  }
}

/** Another process holds the embedded database's data folder. */
export class DataDirLockedError extends FlurfunkError {
  constructor(dir: string, holder: string) {
    super('data_dir_locked', `The data folder ${dir} is in use by ${holder}. The embedded database allows one process at a time: stop that process, or use DATABASE_URL for several processes.`, { expose: true });
  }
}

/** The installation key does not open this database's data keys. */
export class InstallationKeyMismatchError extends FlurfunkError {
  constructor(source: string) {
    super('installation_key_mismatch', `The installation key from ${source} does not belong to this database: it was set up with a different key. Restore the original key (see README, "Keys"); Flurfunk will not start with a wrong key because it could not decrypt anything.`, { expose: true });
  }
}

/** The checkpoint signing key is not the one this database's checkpoints were signed with. */
export class SigningKeyMismatchError extends FlurfunkError {
  constructor(source: string, expected: string, actual: string) {
    super('signing_key_mismatch', `The signing certificate from ${source} (SHA-256 ${actual}) is not the one this database was set up with (SHA-256 ${expected}). Every process on one database must use the same signing key.`, { expose: true });
  }
}

/** A key file exists but cannot be used. */
export class KeyFileError extends FlurfunkError {
  constructor(file: string, problem: string) {
    super('key_file_invalid', `Key file ${file}: ${problem}`, { expose: true });
  }
}

/** Optimistic concurrency: the stream is not at the version the caller expected. */
export class WrongExpectedVersionError extends FlurfunkError {
  constructor(readonly streamId: string, readonly expected: number, readonly actual: number) {
    super('wrong_expected_version', `Stream ${streamId} is at version ${actual}, expected ${expected}`, { expose: false });
  }
}

/** An event that cannot be stored as given (not JSON, bad type name, …). */
export class InvalidEventError extends FlurfunkError {
  constructor(message: string) {
    super('event_invalid', message, { expose: false });
  }
}

/** The database refused to change or remove a stored event. */
export class AppendOnlyViolationError extends FlurfunkError {
  constructor(message: string, cause?: unknown) {
    super('append_only', message, { expose: false, cause });
  }
}

export class DatabaseUnavailableError extends FlurfunkError {
  constructor(message: string, cause?: unknown) {
    super('database_unavailable', message, { expose: false, cause });
  }
}

export class MigrationsPendingError extends FlurfunkError {
  constructor(pending: readonly string[]) {
    super('migrations_pending', `Database migrations are pending (${pending.join(', ')}); run "flurfunk migrate" as the schema owner.`, { expose: true });
  }
}

export class StoreClosedError extends FlurfunkError {
  constructor() {
    super('store_closed', 'The event store is shutting down and takes no more appends', { expose: false });
  }
}

/** A policy set that cannot be used: each problem names file, line and column. */
export class PolicyInvalidError extends FlurfunkError {
  constructor(readonly problems: readonly string[], summary = 'The policy set is invalid') {
    super('policy_invalid', `${summary}:\n  ${problems.join('\n  ')}`, { expose: true });
  }
}

/** A command line that cannot be carried out as given. */
export class UsageError extends FlurfunkError {
  constructor(message: string) {
    super('usage_invalid', message, { expose: true });
  }
}

/** Nothing the caller may see is there: the same answer whether it exists or is hidden. */
export class NotFoundError extends FlurfunkError {
  constructor() {
    super('not_found', 'No such resource.', { expose: true });
  }
}

/**
 * What the policy refused, as facts for the audit trail (PermissionDenied): the action, the
 * kind of thing, which one where that is known, and the rule that refused (null: no rule
 * allowed it). Nothing the caller wrote.
 */
export interface Denial {
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId?: string;
  readonly spaceId?: string;
  readonly rule: { readonly summary: string; readonly file?: string; readonly line?: number } | null;
}

/** The caller may see the thing but not do this to it; the message is the policy's reason. */
export class ForbiddenError extends FlurfunkError {
  /** Set when the policy decided (see policy/refusal.ts); such refusals are recorded. */
  readonly denial: Denial | undefined;

  constructor(reason: string, denial?: Denial) {
    super('forbidden', reason, { expose: true });
    this.denial = denial;
  }
}

/** A request whose content breaks a rule of the API or the policy's limits. */
export class ValidationError extends FlurfunkError {
  constructor(message: string) {
    super('validation_failed', message, { expose: true });
  }
}

/** Posting needs the current usage guideline accepted first. */
export class GuidelineNotAcceptedError extends FlurfunkError {
  constructor(readonly version: string) {
    super('guideline_not_accepted', `Accept the usage guideline (version ${version}) before your first post: GET /api/guideline, then POST /api/guideline/acceptance.`, { expose: true });
  }
}

/** An upload over the policy's size limit; nothing of it is kept. */
export class TooLargeError extends FlurfunkError {
  constructor(message: string) {
    super('too_large', message, { expose: true });
  }
}

/** An upload whose content (not its name) is of a type the policy does not allow. */
export class UnsupportedTypeError extends FlurfunkError {
  constructor(message: string) {
    super('unsupported_type', message, { expose: true });
  }
}

/**
 * The change is stored (its event appended) but the read models have not caught up in time.
 * Not a failure: the answer says so (202), and a retry with the same Idempotency-Key gets
 * this answer again instead of making the change twice.
 */
export class ReadModelLagError extends FlurfunkError {
  constructor(readonly position: number) {
    super('read_model_lag', `Saved as event ${position}, but not yet visible in lists; it will appear shortly. Do not send it again.`, { expose: true });
  }
}

/** The request clashes with the resource's state (an export still running, not yet ready). */
export class ConflictError extends FlurfunkError {
  constructor(message: string) {
    super('conflict', message, { expose: true });
  }
}

/** The resource existed and is gone for good (an export file removed after download or expiry). */
export class GoneError extends FlurfunkError {
  constructor(message: string) {
    super('gone', message, { expose: true });
  }
}
