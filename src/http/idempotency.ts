// Idempotency-Key for state-changing requests: a client that cannot tell whether its request
// went through sends it again with the same key and gets the first answer, not a second post.
// The key is the caller's own (two people may use the same one); reusing it for a different
// request is refused; a retry while the first request still runs is told to wait. Answers
// are kept for a day; server errors are not kept, so a retry after one runs again. A change
// that was stored but is not yet visible (202) is kept like any answer: its retry must not
// store it twice.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { RequestHandler } from 'express';
import { authOf } from './authenticate.js';
import { sendProblem } from './problem.js';

const KEY = /^[\x21-\x7e]{1,200}$/;
const KEEP_MS = 24 * 3_600_000;
const ABANDONED_MS = 60_000;
/** Expired answers are deleted at most this often, not on every keyed request. */
const EXPIRY_SWEEP_MS = 60_000;

interface StoredAnswer {
  request_hash: string;
  status: number | null;
  body: unknown;
  location: string | null;
  content_type: string | null;
  created_at: Date | string;
}

export function idempotent(knex: Knex, clock: () => Date): RequestHandler {
  let lastSweep = 0;
  return (req, res, next) => {
    const key = req.get('Idempotency-Key');
    const auth = authOf(res);
    if (key === undefined || !auth) {
      next();
      return;
    }
    if (!KEY.test(key)) {
      sendProblem(res, 400, 'Idempotency-Key must be 1 to 200 printable ASCII characters.', 'validation_failed');
      return;
    }
    const userId = auth.principal.id;
    const requestHash = crypto.createHash('sha256').update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    void (async () => {
      const now = clock();
      if (now.getTime() - lastSweep >= EXPIRY_SWEEP_MS) {
        lastSweep = now.getTime();
        await knex('idempotency_keys').where('created_at', '<', new Date(now.getTime() - KEEP_MS)).delete();
      }
      // A first request that never finished (the process died) does not block its key forever.
      await knex('idempotency_keys').where({ user_id: auth.principal.id, key }).whereNull('status').where('created_at', '<', new Date(now.getTime() - ABANDONED_MS)).delete();
      const inserted = await knex.raw<{ rows: unknown[] }>(
        'INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING RETURNING key',
        [userId, key, requestHash, now],
      );
      if (inserted.rows.length === 0) {
        const stored = (await knex<StoredAnswer & { user_id: string; key: string }>('idempotency_keys').where({ user_id: userId, key }).first())!;
        if (stored.request_hash !== requestHash) {
          sendProblem(res, 422, 'This Idempotency-Key was used for a different request.', 'idempotency_key_reused');
        } else if (stored.status === null) {
          res.setHeader('Retry-After', '1');
          sendProblem(res, 409, 'The first request with this Idempotency-Key is still running; try again shortly.', 'idempotency_in_progress');
        } else {
          if (stored.location) res.location(stored.location);
          res.setHeader('Idempotent-Replayed', 'true');
          res.status(stored.status).type(stored.content_type ?? 'application/json').send(JSON.stringify(stored.body));
        }
        return;
      }
      // Keep the answer this request gives, once it is given.
      const send = res.send.bind(res);
      res.send = ((body?: unknown) => {
        const status = res.statusCode;
        const record = async () => {
          if (status >= 500) await knex('idempotency_keys').where({ user_id: userId, key }).delete();
          else {
            const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? null);
            await knex('idempotency_keys').where({ user_id: userId, key }).update({ status, body: text === '' ? null : text, location: res.get('Location') ?? null, content_type: res.get('Content-Type') ?? null });
          }
        };
        record().then(
          () => send(body),
          (err: unknown) => {
            req.log.error({ err }, 'could not keep the answer for an Idempotency-Key');
            send(body);
          },
        );
        return res;
      }) as typeof res.send;
      next();
    })().catch(next);
  };
}
