// The process-wide pino logger. Secrets are redacted here, once, so no caller can forget.
import { pino, type Logger } from 'pino';

export type { Logger };

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.databaseUrl',
  '*.installationKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'flurfunk' } },
    destination,
  );
}
