// Counting what people write the way the server's limits count it.

/** Characters as people count them (and the server's limit does): code points after NFC. */
export function charCount(text: string): number {
  return [...text.normalize('NFC')].length;
}
