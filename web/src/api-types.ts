// Shapes every area receives from the API (see /api/openapi.json: a person, a file, the limits).
export interface Person {
  readonly id: string;
  readonly name: string | null;
}

export interface Attachment {
  readonly id: string;
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly url: string;
}

/** The active policy's limits for what people write (GET /api/limits). */
export interface Limits {
  readonly postLength: number;
  readonly commentLength: number;
  readonly messageLength: number;
  readonly attachments: { readonly maxBytes: number; readonly types: readonly string[] };
}
