// README.txt inside every audit export: how an auditor checks it with standard tools.
export function exportReadme(certificateSha256: string): string {
  return `Flurfunk audit export
=====================

Files
  manifest.json       what this export holds: every other file with its size and SHA-256,
                      the filters, the policy version, who exported it and when
  manifest.json.p7s   a detached CMS (PKCS#7) signature over manifest.json, DER
  certificate.pem     the installation's signing certificate
  chain.json          where the exported events sit in the hash chain, and the signed
                      checkpoints that fall in the exported range
  events.jsonl        one event per line (JSON), in position order
  events.csv          the same events for spreadsheets (RFC 4180, UTF-8 with BOM)
  audiences.jsonl     who could read each post, comment and message when it was written

1. The signature (OpenSSL)
  openssl cms -verify -binary -inform DER -in manifest.json.p7s -content manifest.json \\
      -certfile certificate.pem -noverify -out /dev/null
  The certificate is self-signed by the installation, so -noverify skips the chain of
  trust; instead compare its fingerprint with the one the operator gave you:
  openssl x509 -in certificate.pem -noout -fingerprint -sha256
  expected (without colons, lower case): ${certificateSha256}
  If your organisation issued the certificate, use -CAfile <your CA> instead of -noverify.

2. The files (sha256sum, GNU coreutils)
  Compare each file's SHA-256 and size with "files" in manifest.json, e.g.
  sha256sum events.jsonl events.csv audiences.jsonl chain.json certificate.pem README.txt

3. The chain
  Each line of events.jsonl has the fields the hash covers. hash = lower-case hex SHA-256 of
  the RFC 8785 (JSON Canonicalization Scheme) serialization of the object with exactly these
  keys: actor, correlationId, data, id, occurredAt, payload, policyVersion, position,
  prevHash, streamId, streamVersion, type (payload: base64 of the sealed bytes, or null;
  occurredAt: YYYY-MM-DDTHH:MM:SS.mmmZ). contentState and content are NOT hashed: content is
  the opened personal content where the exporter's policy allowed it and its key still
  exists ("shredded": erased by retention; "withheld": not for this exporter).
  Each event's prevHash must equal the hash of the event before it. The first event's
  prevHash is chain.json's prevHashOfFirst; when "contiguous" is true no position is missing
  between firstPosition and lastPosition. A checkpoint in chain.json signs "position hash"
  at a moment in time; its signature (RSA PKCS#1 v1.5, SHA-256, base64) verifies with the
  certificate's public key over the statement documented in audit/hash-chain.md.

flurfunk audit verify <this file>.zip does all of the above and names what fails.
`;
}
