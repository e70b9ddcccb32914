// What every API router needs: the caller of a request, async handlers whose errors reach the
// problem handler, and the page parameters of lists.
import type express from 'express';
import { ValidationError } from '../errors.js';
import { PAGE_DEFAULT, PAGE_MAX, parseCursor } from '../posts/post-queries.js';
import type { Caller } from '../posts/commands.js';
import { authOf, requestFacts } from './authenticate.js';

export function callerOf(req: express.Request, res: express.Response): Caller {
  return { principal: authOf(res)!.principal, correlationId: requestFacts(req).correlationId };
}

export function wrap(handler: (req: express.Request, res: express.Response) => Promise<void>): express.RequestHandler {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}

export function pageOf(query: express.Request['query']): { before?: number; limit: number } {
  const before = parseCursor(query.cursor);
  if (Number.isNaN(before)) throw new ValidationError('"cursor" must be the "next" value of the previous page');
  const rawLimit = query.limit;
  const limit = rawLimit === undefined ? PAGE_DEFAULT : typeof rawLimit === 'string' && /^[1-9][0-9]{0,2}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
  if (!(limit >= 1 && limit <= PAGE_MAX)) throw new ValidationError(`"limit" must be an integer from 1 to ${PAGE_MAX}`);
  return { before, limit };
}
