// The command line as an operator meets it: help, configuration errors, serve and SIGTERM.
import { expect } from 'chai';
import { finished, listeningUrl, runCli, startTs } from '../support/processes.js';
import { createWorld } from '../support/world.js';

describe('flurfunk command line', function () {
  for (const args of [['--help'], ['serve', '--help'], ['migrate', '--help'], ['events', 'verify', '--help']]) {
    it(`prints help for "${args.join(' ')}" and exits 0`, async function () {
      const result = await runCli(args, {});
      expect(result.code).to.equal(0);
      expect(result.stdout).to.match(/^Usage: flurfunk/);
    });
  }

  it('lists every configuration variable in the main help', async function () {
    const { variableNames } = await import('../../src/config/variables.js');
    const result = await runCli(['--help'], {});
    for (const name of variableNames) expect(result.stdout).to.include(name);
  });

  it('exits 2 with a usage message for an unknown command', async function () {
    const result = await runCli(['frobnicate'], {});
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include("unknown command 'frobnicate'");
  });

  const badConfigs: [string, Record<string, string>, RegExp][] = [
    ['PORT=abc', { PORT: 'abc' }, /PORT: expected an integer from 0 to 65535.*got "abc"/],
    ['PORT=70000', { PORT: '70000' }, /PORT: expected an integer from 0 to 65535/],
    ['an unparsable DATABASE_URL', { DATABASE_URL: 'postgres//db:5432' }, /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/],
    ['a DATABASE_URL of another kind', { DATABASE_URL: 'mysql://db/flurfunk' }, /DATABASE_URL: expected a postgres:\/\//],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /LOG_LEVEL: expected one of fatal, error/],
    ['TLS_CERT without TLS_KEY', { TLS_CERT: '/etc/cert.pem' }, /TLS_KEY: expected to be set together with TLS_CERT/],
    ['NODE_ENV=production and no OIDC_ISSUER', { NODE_ENV: 'production' }, /OIDC_ISSUER: expected to be set when NODE_ENV=production.*development identity provider never runs in production/],
    ['OIDC_SCOPES without openid', { OIDC_SCOPES: 'profile email' }, /OIDC_SCOPES: expected the space-separated scopes/],
  ];
  for (const [label, env, message] of badConfigs) {
    it(`refuses to serve with ${label}: exit 2, naming the variable`, async function () {
      const result = await runCli(['serve'], { FLURFUNK_DATA_DIR: '/nonexistent/never-created', ...env });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(message);
    });
  }

  it('never prints a secret DATABASE_URL in its error', async function () {
    const result = await runCli(['migrate'], { DATABASE_URL: 'postgres//user:hunter2@db' });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.not.include('hunter2');
  });

  it('says clearly when the PostgreSQL server cannot be reached', async function () {
    const result = await runCli(['migrate'], { DATABASE_URL: 'postgres://flurfunk:hunter2@127.0.0.1:1/flurfunk' });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('Cannot use PostgreSQL at 127.0.0.1:1/flurfunk');
    expect(result.stderr).to.not.include('hunter2');
  });

  it('serves until SIGTERM, becomes ready, and shuts down cleanly', async function () {
    const world = await createWorld();
    const child = startTs('src/cli/main.ts', ['serve'], { ...world.env, PORT: '0', LOG_LEVEL: 'info' });
    const exit = finished(child);
    const url = await listeningUrl(child);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).to.equal(200);
    // The shipped policy set was activated at start (the first event), then the start was recorded (ServerStarted).
    const readiness = (await ready.json()) as Record<string, unknown>;
    expect(readiness).to.include({ status: 'ready', database: world.config.databaseUrl ? 'postgres' : 'pglite', head: 2 });
    expect(readiness.policyVersion).to.match(/^[0-9a-f]{64}$/);
    child.kill('SIGTERM');
    const result = await exit;
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include('"msg":"shutdown complete"');
  });
});
