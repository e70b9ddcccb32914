// Records the policy's refusals that leave as 403 (ForbiddenError with its facts) before the
// problem handler answers, so the answer goes out only once the refusal is on record. A
// failure to record is logged and does not change the answer.
import type { ErrorRequestHandler } from 'express';
import type { DenialAudit } from '../audit/denial-audit.js';
import { ForbiddenError } from '../errors.js';
import { authOf, requestFacts } from './authenticate.js';

export function recordDenials(audit: DenialAudit, policyVersion: () => string | undefined): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const auth = authOf(res);
    if (!(err instanceof ForbiddenError) || !err.denial || !auth || res.headersSent) {
      next(err);
      return;
    }
    const caller = { actor: auth.principal.id, correlationId: requestFacts(req).correlationId, policyVersion: policyVersion() };
    audit.record(caller, err.denial, err.message).then(
      () => next(err),
      (failure: unknown) => {
        req.log.error({ err: failure }, 'could not record a permission denial');
        next(err);
      },
    );
  };
}
