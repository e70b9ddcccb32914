// What the web UI's composer asks before anything is sent: POST /api/preview renders Markdown
// with the server's own renderer (so the preview looks exactly like the post will, and the
// browser needs no Markdown library of its own), GET /api/limits the active policy's limits
// (for the character counter and the attachment picker). Neither stores anything.
import express from 'express';
import { ValidationError } from '../errors.js';
import { renderMarkdown } from '../posts/markdown.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';

/** A preview is of one post, comment or message: no text longer than the longest of these. */
function previewLimit(runtime: Runtime): number {
  const { postLength, commentLength, messageLength } = runtime.policy!.current.set.limits;
  return Math.max(postLength, commentLength, messageLength);
}

export function composerRoutes(runtime: Runtime): express.Router {
  const router = express.Router();

  router.post('/api/preview', requireSignIn, (req, res) => {
    if (!req.is('application/json')) throw new ValidationError('send the preview as application/json');
    const body: unknown = req.body;
    const text = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { text?: unknown }).text : undefined;
    if (typeof text !== 'string') throw new ValidationError('preview: "text" must be a string');
    const limit = previewLimit(runtime);
    const length = [...text].length;
    if (length > limit) throw new ValidationError(`preview: "text" has ${length} characters; this installation allows at most ${limit}`);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ html: renderMarkdown(text.normalize('NFC')) });
  });

  router.get('/api/limits', requireSignIn, (_req, res) => {
    const { postLength, commentLength, messageLength, attachments } = runtime.policy!.current.set.limits;
    // The policy can be reloaded at any time: always ask again.
    res.setHeader('Cache-Control', 'no-store');
    res.json({ postLength, commentLength, messageLength, attachments: { maxBytes: attachments.maxBytes, types: [...attachments.types] } });
  });
  return router;
}
