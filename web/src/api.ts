// The one way the UI talks to the server: JSON over fetch with the session's CSRF token on
// every state change, problem+json answers turned into ApiError (whose detail carries the
// policy's reason for a refusal), and uploads with progress.
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly requestId?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function csrf(): string | undefined {
  return csrfToken;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined | null>>;
  readonly signal?: AbortSignal;
  readonly idempotencyKey?: string;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await res.json()) as Problem;
    } catch {
      // fall through to a generic problem
    }
  }
  return { type: 'about:blank', title: res.statusText || 'Error', status: res.status };
}

/** Answers the parsed JSON body, or undefined when there is none. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ type: 'urn:flurfunk:problem:offline', title: 'Network error', status: 0 });
  }
  if (!res.ok) throw new ApiError(await problemOf(res));
  // 204, and a 202 "recorded but not yet in the lists" (a problem document): nothing to show
  // yet. A 202 with a JSON body (a job that was started) is the answer.
  if (res.status === 204 || !(res.headers.get('content-type') ?? '').startsWith('application/json')) return undefined as T;
  return (await res.json()) as T;
}

/** Uploads one file as multipart field "file", reporting progress (fetch cannot). */
export function upload<T>(path: string, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'text';
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError((body as Problem | undefined) ?? { type: 'about:blank', title: xhr.statusText || 'Error', status: xhr.status }));
    };
    xhr.onerror = () => reject(new ApiError({ type: 'urn:flurfunk:problem:offline', title: 'Network error', status: 0 }));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** A fresh key for POSTs that a retry must not repeat. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
