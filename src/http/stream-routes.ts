// GET /api/stream: Server-Sent Events with the new posts and comments the signed-in person may
// read, decided per event by the policy active at that moment. Each event's id is its
// position, so a reconnecting browser sends Last-Event-ID and gets what it missed (up to
// CATCH_UP events) before the live ones. A signed-out or expired session ends the stream.
import express from 'express';
import type { Projector } from '../events/projector.js';
import type { RecordedEvent } from '../events/types.js';
import type { Identity } from '../identity/identity.js';
import { asSubject } from '../policy/compile.js';
import { commentById } from '../posts/comment-queries.js';
import type { LiveFeed } from '../posts/live-feed.js';
import { postById } from '../posts/post-queries.js';
import { NotFoundError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { authOf, requireSignIn } from './authenticate.js';
import { sendProblem } from './problem.js';

const HEARTBEAT_MS = 25_000;
const SESSION_CHECK_MS = 30_000;
const CATCH_UP = 1_000;
const STREAMED = new Set(['PostCreated', 'CommentCreated']);

export function streamRoutes(runtime: Runtime, projector: Projector, identity: Identity, feed: LiveFeed): express.Router {
  const router = express.Router();
  const knex = runtime.db.knex;

  router.get('/api/stream', requireSignIn, (req, res) => {
    const auth = authOf(res)!;
    const rawLast = req.get('Last-Event-ID') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    if (rawLast !== undefined && !/^(0|[1-9][0-9]{0,15})$/.test(rawLast)) {
      sendProblem(res, 400, 'Last-Event-ID must be the id of an event this stream sent.', 'validation_failed');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    res.write('retry: 3000\n\n');

    let sent = rawLast === undefined ? Number.MAX_SAFE_INTEGER : Number(rawLast);
    let closed = false;
    let queue = Promise.resolve();
    const pending: RecordedEvent[] = [];

    /** The view of an event for this person, or undefined when they may not read it. */
    const viewOf = async (event: RecordedEvent): Promise<{ type: string; data: unknown } | undefined> => {
      const policy = runtime.policy!.current;
      // Roles as the policy active now sees them: a new version applies to open streams at once.
      const { id, groups, name, email } = auth.principal;
      const ability = policy.abilityFor(policy.principal({ id, groups, name, email }));
      const d = event.data;
      const subject =
        event.type === 'PostCreated'
          ? asSubject('Post', { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, mentions: d.mentions, topics: d.topics })
          : asSubject('Comment', { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, postAuthorId: d.postAuthorId });
      if (!ability.can('read', subject as never)) return undefined;
      await projector.waitFor(event.position);
      try {
        if (event.type === 'PostCreated') return { type: 'post', data: await postById(knex, ability, id, d.postId as string) };
        await postById(knex, ability, id, d.postId as string); // a comment is only as visible as its post
        const comment = await commentById(knex, ability, d.commentId as string);
        return comment && { type: 'comment', data: comment };
      } catch (err) {
        if (err instanceof NotFoundError) return undefined; // removed or hidden since
        throw err;
      }
    };

    const deliver = (events: readonly RecordedEvent[]) => {
      queue = queue
        .then(async () => {
          for (const event of events) {
            if (closed || event.position <= sent || !STREAMED.has(event.type)) continue;
            const view = await viewOf(event);
            sent = event.position;
            if (view && !closed) res.write(`id: ${event.position}\nevent: ${view.type}\ndata: ${JSON.stringify(view.data)}\n\n`);
          }
        })
        .catch((err: unknown) => {
          req.log.error({ err }, 'realtime stream failed');
          end();
        });
    };

    // Listen first and hold live events back while catching up, so none falls in between.
    let catchingUp = true;
    const stopListening = feed.listen(
      (events) => (catchingUp ? pending.push(...events) : deliver(events)),
      () => end(),
    );
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const sessionCheck = setInterval(() => {
      if (auth.via !== 'session') return;
      // Read-only: an open stream neither keeps an idle session alive nor ends it unaudited.
      identity.sessions.isActive(auth.token).then(
        (active) => active || end(),
        () => undefined,
      );
    }, SESSION_CHECK_MS);
    const end = () => {
      if (closed) return;
      closed = true;
      stopListening();
      clearInterval(heartbeat);
      clearInterval(sessionCheck);
      res.end();
    };
    req.on('close', end);

    void (async () => {
      // Without Last-Event-ID the stream starts now; with it, first what was missed.
      if (rawLast === undefined) sent = (await runtime.store.head()).position;
      else deliver(await runtime.store.readAll(sent, CATCH_UP));
    })()
      .catch((err: unknown) => {
        req.log.error({ err }, 'realtime catch-up failed');
        end();
      })
      .finally(() => {
        catchingUp = false;
        deliver(pending.splice(0));
      });
  });
  return router;
}
