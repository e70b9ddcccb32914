import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { DataDirLockedError } from '../../src/errors.js';

describe('data folder lock (unit)', function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-lock-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('admits one holder at a time and is free again after release', function () {
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).to.throw(DataDirLockedError, /in use by process/);
    lock.release();
    lockDataDir(dir).release();
  });

  it('takes over the lock of a process that no longer exists', function () {
    fs.writeFileSync(path.join(dir, 'flurfunk.pid'), `2147483646@${os.hostname()}`);
    const lock = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'flurfunk.pid'), 'utf8')).to.equal(`${process.pid}@${os.hostname()}`);
    lock.release();
  });

  it('does not take over a lock held from another host (a shared folder)', function () {
    fs.writeFileSync(path.join(dir, 'flurfunk.pid'), '2147483646@some-other-host');
    expect(() => lockDataDir(dir)).to.throw(DataDirLockedError, /some-other-host/);
  });
});
