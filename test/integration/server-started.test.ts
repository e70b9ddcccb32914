// ServerStarted: every server start puts its non-secret configuration on record, and nothing
// secret (database password, OpenID client secret, key material, credentials in URLs).
import fs from 'node:fs';
import { expect } from 'chai';
import { recordServerStart, SERVERS_STREAM } from '../../src/audit/server-started.js';
import { loadConfig } from '../../src/config/config.js';
import { startRuntime } from '../../src/runtime.js';
import { startFlurfunk } from '../support/flurfunk-server.js';
import { createWorld, databaseKind, testLogger } from '../support/world.js';

describe('ServerStarted', function () {
  it('records the configuration at each start: database kind, addresses, identity provider, policy, limits', async function () {
    const t = await startFlurfunk({ SESSION_IDLE_MINUTES: '45', SESSION_MAX_HOURS: '8' });
    try {
      const [started, ...more] = await t.world.runtime.store.readStream(SERVERS_STREAM);
      expect(more).to.deep.equal([]);
      expect(started).to.deep.include({ type: 'ServerStarted', actor: 'system:server', policyVersion: t.world.runtime.policy!.version, payload: null });
      expect(started!.data).to.deep.include({
        environment: 'test',
        database: databaseKind === 'postgres' ? 'postgres' : 'embedded',
        publicUrl: t.base,
        policyVersion: t.world.runtime.policy!.version,
        sessions: { idleMinutes: 45, maxHours: 8 },
        trustProxy: false,
        tls: false,
        signingCertificateSha256: t.world.runtime.signingKey.fingerprint,
        pid: process.pid,
      });
      expect(started!.data.identityProvider).to.deep.include({ kind: 'development', issuer: `${t.base}/oidc` });
      expect(started!.data.limits).to.deep.include({ postLength: t.world.runtime.policy!.current.set.limits.postLength });
      expect(started!.data.retentionIntervalSeconds, 'the test worlds turn the schedule off').to.equal(0);
      await t.restart();
      expect((await t.world.runtime.store.readStream(SERVERS_STREAM)).map((e) => e.type)).to.deep.equal(['ServerStarted', 'ServerStarted']);
    } finally {
      await t.stop();
    }
  });

  it('never records the client secret, the database password, key material or credentials in URLs', async function () {
    const world = await createWorld();
    const secrets = { client: 'Client-Geheimnis-7f3a9c', database: 'Datenbank-Passwort-41b2', idp: 'IdP-Dienstkennwort-88e0' };
    const env: Record<string, string> = {
      ...world.env,
      OIDC_ISSUER: 'https://login.example/realms/acme',
      OIDC_CLIENT_ID: 'flurfunk-web',
      OIDC_CLIENT_SECRET: secrets.client,
    };
    // PostgreSQL here trusts local connections, so a password in the URL is accepted and unused.
    if (env.DATABASE_URL) {
      const url = new URL(env.DATABASE_URL);
      url.password = secrets.database;
      env.DATABASE_URL = url.href;
    }
    const config = loadConfig(env);
    const runtime = await startRuntime(config, testLogger, { migrate: true, policy: { watch: false } });
    try {
      await recordServerStart(runtime, { kind: 'configured', issuer: `https://svc:${secrets.idp}@login.example/realms/acme` });
      const [started] = await runtime.store.readStream(SERVERS_STREAM);
      const recorded = JSON.stringify(started);
      // The test sees configuration: what is recorded is there…
      expect(started!.data.identityProvider).to.deep.equal({ kind: 'configured', issuer: 'https://login.example/realms/acme', clientId: 'flurfunk-web', scopes: 'openid profile email' });
      // …and what is secret is not, in any form.
      const keyMaterial = [
        fs.readFileSync(config.keys.installationKeyFile, 'utf8').trim(),
        Buffer.from(fs.readFileSync(config.keys.installationKeyFile, 'utf8').trim(), 'base64').toString('hex'),
        ...fs.readFileSync(config.keys.signingKeyFile, 'utf8').split('\n').filter((line) => line.length > 40),
      ];
      for (const secret of [...Object.values(secrets), ...keyMaterial]) expect(recorded).to.not.include(secret);
      expect(recorded).to.not.match(/PRIVATE KEY|postgres(ql)?:\/\//);
    } finally {
      await runtime.close();
    }
  });
});
