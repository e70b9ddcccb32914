// GET /api/stream: Server-Sent Events with the new posts, comments and direct messages the
// signed-in person may read, each followed by the notification it made for them, decided per
// event by the policy active at that moment. Each event's id is its
// position, so a reconnecting browser sends Last-Event-ID and gets what it missed (up to
// CATCH_UP events) before the live ones. A signed-out or expired session ends the stream.
import { rateLimit } from 'express-rate-limit';
import express from 'express';
import type { Projector } from '../events/projector.js';
import type { RecordedEvent } from '../events/types.js';
import type { Identity } from '../identity/identity.js';
import { asSubject } from '../policy/compile.js';
import { commentById } from '../posts/comment-queries.js';
import { messageById } from '../messages/conversation-queries.js';
import { notificationAt } from '../notifications/notifications.js';
import type { LiveFeed } from '../posts/live-feed.js';
import { postById } from '../posts/post-queries.js';
import { NotFoundError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { authOf, requireSignIn } from './authenticate.js';
import { sendProblem } from './problem.js';

const HEARTBEAT_MS = 25_000;
const SESSION_CHECK_MS = 30_000;
/** Events read per page while catching up after Last-Event-ID. */
const CATCH_UP_PAGE = 1_000;
/** Beyond this many missed events the client is told to reload ("reset") instead. */
const CATCH_UP_MAX = 10_000;
/** A client that lets this much pile up unread is cut off; it reconnects with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Open streams per person in one process (tabs, devices); more are refused with 429. */
export const MAX_STREAMS_PER_PERSON = 10;
export const STREAM_OPENS_PER_MINUTE = 60;
const openStreams = new Map<string, number>();
const STREAMED = new Set(['PostCreated', 'CommentCreated', 'MessageSent']);

export function streamRoutes(runtime: Runtime, projector: Projector, identity: Identity, feed: LiveFeed): express.Router {
  const router = express.Router();
  const knex = runtime.db.knex;

  // Opening a stream with Last-Event-ID can replay thousands of events: a person may open a
  // few a minute (reconnects, tabs), not a loop of them.
  const opens = rateLimit({
    windowMs: 60_000,
    limit: STREAM_OPENS_PER_MINUTE,
    keyGenerator: (_req, res) => authOf(res)!.principal.id,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.setHeader('Retry-After', '60');
      sendProblem(res, 429, 'Too many realtime streams opened in the last minute; try again shortly.', 'rate_limited');
    },
  });

  router.get('/api/stream', requireSignIn, opens, (req, res) => {
    const auth = authOf(res)!;
    const rawLast = req.get('Last-Event-ID') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    if (rawLast !== undefined && !/^(0|[1-9][0-9]{0,15})$/.test(rawLast)) {
      sendProblem(res, 400, 'Last-Event-ID must be the id of an event this stream sent.', 'validation_failed');
      return;
    }
    const person = auth.principal.id;
    if ((openStreams.get(person) ?? 0) >= MAX_STREAMS_PER_PERSON) {
      res.setHeader('Retry-After', '30');
      sendProblem(res, 429, `At most ${MAX_STREAMS_PER_PERSON} realtime streams per person; close another tab or device first.`, 'too_many_streams');
      return;
    }
    openStreams.set(person, (openStreams.get(person) ?? 0) + 1);
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    res.write('retry: 3000\n\n');

    let sent = rawLast === undefined ? Number.MAX_SAFE_INTEGER : Number(rawLast);
    let closed = false;
    let queue = Promise.resolve();
    const pending: RecordedEvent[] = [];

    /** The view of an event for this person, or undefined when they may not read it. */
    const viewOf = async (event: RecordedEvent): Promise<{ type: string; data: unknown; notification?: unknown } | undefined> => {
      const policy = runtime.policy!.current;
      // Roles as the policy active now sees them: a new version applies to open streams at once.
      const { id, groups, name, email } = auth.principal;
      const ability = policy.abilityFor(policy.principal({ id, groups, name, email }));
      const d = event.data;
      const subject =
        event.type === 'PostCreated'
          ? asSubject('Post', { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, mentions: d.mentions, topics: d.topics })
          : event.type === 'CommentCreated'
            ? asSubject('Comment', { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, postAuthorId: d.postAuthorId })
            : asSubject('DirectMessage', { conversationId: d.conversationId, authorId: d.authorId, participants: d.participants });
      if (!ability.can('read', subject as never)) return undefined;
      // Someone else's conversation never streams, even to one a rule would let read it.
      if (event.type === 'MessageSent' && !(d.participants as string[]).includes(id)) return undefined;
      await projector.waitFor(event.position);
      try {
        let view: { type: string; data: unknown } | undefined;
        if (event.type === 'PostCreated') view = { type: 'post', data: await postById(knex, ability, id, d.postId as string) };
        else if (event.type === 'MessageSent') view = { type: 'message', data: await messageById(knex, ability, d.messageId as string) };
        else {
          await postById(knex, ability, id, d.postId as string); // a comment is only as visible as its post
          const comment = await commentById(knex, ability, d.commentId as string);
          view = comment && { type: 'comment', data: comment };
        }
        const notification = view && (await notificationAt(knex, ability, id, event.position));
        return view && { ...view, ...(notification ? { notification } : {}) };
      } catch (err) {
        if (err instanceof NotFoundError) return undefined; // removed or hidden since
        throw err;
      }
    };

    const write = (text: string) => {
      res.write(text);
      // A reader that does not keep up is not buffered for without bound.
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        req.log.info({ buffered: res.writableLength }, 'realtime client too slow: stream ended');
        end();
      }
    };

    const deliver = (events: readonly RecordedEvent[]): Promise<void> => {
      queue = queue
        .then(async () => {
          for (const event of events) {
            if (closed || event.position <= sent) continue;
            // Every event moves the mark, streamed or not, so catch-up never reads a page twice.
            const view = STREAMED.has(event.type) ? await viewOf(event) : undefined;
            sent = event.position;
            if (!view || closed) continue;
            write(`id: ${event.position}\nevent: ${view.type}\ndata: ${JSON.stringify(view.data)}\n\n`);
            // Same id: a reconnect after this point does not repeat the content it belongs to.
            if (view.notification && !closed) write(`id: ${event.position}\nevent: notification\ndata: ${JSON.stringify(view.notification)}\n\n`);
          }
        })
        .catch((err: unknown) => {
          req.log.error({ err }, 'realtime stream failed');
          end();
        });
      return queue;
    };

    // Listen first and hold live events back while catching up, so none falls in between.
    let catchingUp = true;
    const stopListening = feed.listen(
      (events) => {
        if (catchingUp) pending.push(...events);
        else void deliver(events); // deliver never rejects: failures end the stream
      },
      () => end(),
    );
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
    // A stream opened with an access token lasts no longer than the token.
    // (Timers fire at once beyond 2^31-1 ms: a token valid for longer ends its stream after ~24 days.)
    const tokenExpiry = auth.via === 'bearer' && auth.expiresAt ? setTimeout(() => end(), Math.min(2 ** 31 - 1, Math.max(0, auth.expiresAt.getTime() - runtime.clock().getTime()))) : undefined;
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
      clearTimeout(tokenExpiry);
      const left = (openStreams.get(person) ?? 1) - 1;
      if (left > 0) openStreams.set(person, left);
      else openStreams.delete(person);
      res.end();
    };
    req.on('close', end);

    void (async () => {
      // Without Last-Event-ID the stream starts now; with it, first what was missed.
      if (rawLast === undefined) {
        sent = (await runtime.store.head()).position;
        return;
      }
      const head = (await runtime.store.head()).position;
      if (head - sent > CATCH_UP_MAX) {
        // Too much missed to replay: the client reloads its lists and goes on from here.
        sent = head;
        write(`id: ${sent}\nevent: reset\ndata: ${JSON.stringify({ position: sent })}\n\n`);
        return;
      }
      // Up to the head seen now; what comes after is held in `pending` by the listener.
      for (let cursor = sent; cursor < head && !closed; ) {
        const page = await runtime.store.readAll(cursor, CATCH_UP_PAGE);
        if (page.length === 0) return;
        cursor = page[page.length - 1]!.position;
        await deliver(page);
      }
    })()
      .catch((err: unknown) => {
        req.log.error({ err }, 'realtime catch-up failed');
        end();
      })
      .finally(() => {
        catchingUp = false;
        void deliver(pending.splice(0));
      });
  });
  return router;
}
