import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('configuration was accepted');
}

describe('configuration', function () {
  it('has documented defaults: embedded database in ./data, port 3000, loopback in development', function () {
    const config = loadConfig({});
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.dataDir).to.equal(path.resolve('data'));
    expect(config.port).to.equal(3000);
    expect(config.host).to.equal('127.0.0.1');
    expect(config.publicUrl).to.equal('http://localhost:3000');
    expect(config.keys.installationKeyFile).to.equal(path.resolve('data/keys/installation.key'));
    expect(config.checkpoints).to.deep.equal({ file: path.resolve('data/checkpoints.jsonl'), everyEvents: 1000, intervalSeconds: 60 });
  });

  it('listens on all interfaces in production unless HOST says otherwise', function () {
    expect(loadConfig({ NODE_ENV: 'production' }).host).to.equal('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.0.0.5' }).host).to.equal('10.0.0.5');
  });

  it('trusts no proxy unless TRUST_PROXY names them, and refuses what express would misread', function () {
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal('loopback, 10.0.0.0/8');
    for (const bad of ['true', 'everyone', '10.0.0.0/8; rm', '0']) expect(() => loadConfig({ TRUST_PROXY: bad }), bad).to.throw(/TRUST_PROXY/);
  });

  it('is frozen', function () {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.keys)).to.equal(true);
  });

  it('reports every problem at once, naming each variable', function () {
    const problems = problemsOf({ PORT: 'abc', NODE_ENV: 'staging', FLURFUNK_CHECKPOINT_EVERY: '0' });
    expect(problems).to.have.length(3);
    expect(problems.join('\n')).to.include('PORT:').and.include('NODE_ENV:').and.include('FLURFUNK_CHECKPOINT_EVERY:');
  });

  it('does not coerce: " 3000", "3e3" and "30.0" are not ports', function () {
    for (const port of [' 3000', '3e3', '30.0', '-1']) expect(problemsOf({ PORT: port })[0]).to.match(/^PORT:/);
  });

  it('treats an empty variable as unset', function () {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).to.equal(3000);
  });

  it('accepts postgres URLs and refuses others without showing them', function () {
    expect(loadConfig({ DATABASE_URL: 'postgresql://app:pw@db:5432/flurfunk' }).databaseUrl).to.equal('postgresql://app:pw@db:5432/flurfunk');
    const [problem] = problemsOf({ DATABASE_URL: 'http://app:pw@db/flurfunk' });
    expect(problem).to.match(/^DATABASE_URL:/).and.not.include('pw@');
  });

  it('requires https for a remote OpenID issuer and a client id with it', function () {
    expect(problemsOf({ OIDC_ISSUER: 'http://idp.example.com/realms/acme', OIDC_CLIENT_ID: 'flurfunk' })[0]).to.match(/^OIDC_ISSUER:/);
    expect(problemsOf({ OIDC_ISSUER: 'https://idp.example.com/realms/acme' })[0]).to.match(/^OIDC_CLIENT_ID:/);
    expect(loadConfig({ OIDC_ISSUER: 'http://localhost:8080/realms/dev', OIDC_CLIENT_ID: 'ff' }).oidc.issuer).to.equal('http://localhost:8080/realms/dev');
  });

  it('reads an optional JSON file, where the environment wins and unknown keys are errors', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-config-'));
    const file = path.join(dir, 'flurfunk.json');
    fs.writeFileSync(file, JSON.stringify({ PORT: 4000, LOG_LEVEL: 'debug' }));
    const config = loadConfig({ FLURFUNK_CONFIG: file, LOG_LEVEL: 'warn' });
    expect(config.port).to.equal(4000);
    expect(config.logLevel).to.equal('warn');
    fs.writeFileSync(file, JSON.stringify({ PROT: 4000 }));
    expect(problemsOf({ FLURFUNK_CONFIG: file })[0]).to.include('unknown key "PROT"');
    fs.writeFileSync(file, '{ not json');
    expect(problemsOf({ FLURFUNK_CONFIG: file })[0]).to.include('is not valid JSON');
    fs.rmSync(dir, { recursive: true });
  });
});
