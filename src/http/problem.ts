// The one place that turns errors into HTTP answers: RFC 9457 problem+json. Only errors that
// declare themselves `expose` show their message; anything else becomes a generic 500 whose
// details stay in the log, keyed by the request id.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { FlurfunkError, type ErrorCode } from '../errors.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly requestId?: string;
}

const statusByCode: Partial<Record<ErrorCode, number>> = {
  not_found: 404,
  forbidden: 403,
  validation_failed: 400,
  guideline_not_accepted: 403,
  too_large: 413,
  read_model_lag: 202,
  unsupported_type: 415,
  wrong_expected_version: 409,
  event_invalid: 400,
  database_unavailable: 503,
  migrations_pending: 503,
  store_closed: 503,
  conflict: 409,
  gone: 410,
};

const titles: Record<number, string> = {
  202: 'Accepted',
  400: 'Bad request',
  401: 'Sign-in required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function sendProblem(res: Response, status: number, detail?: string, code = 'about:blank'): void {
  const problem: Problem = {
    type: code === 'about:blank' ? code : `urn:flurfunk:problem:${code}`,
    title: titles[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    instance: res.req.originalUrl,
    requestId: typeof res.req.id === 'object' ? undefined : String(res.req.id),
  };
  res.status(status).type('application/problem+json').send(JSON.stringify(problem));
}

export const notFound: RequestHandler = (_req, res) => sendProblem(res, 404, 'No such resource.');

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  // body-parser and friends mark client errors with an HTTP status of their own.
  const clientStatus = (err as { status?: unknown }).status;
  if (!(err instanceof FlurfunkError) && typeof clientStatus === 'number' && clientStatus >= 400 && clientStatus < 500) {
    sendProblem(res, clientStatus, 'The request could not be read.');
    return;
  }
  const status = err instanceof FlurfunkError ? (statusByCode[err.code] ?? 500) : 500;
  if (status >= 500) req.log.error({ err }, 'request failed');
  else if (status === 202) req.log.warn({ err }, 'read models lag behind the events');
  if (res.headersSent) return;
  if (err instanceof FlurfunkError) sendProblem(res, status, err.expose ? err.message : undefined, err.code);
  else sendProblem(res, 500, 'Something went wrong. Quote the request id when you report it.');
};
