// Shapes every area receives from the API (see /api/openapi.json: a person, a file).
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
