// Crash safety of io.save / io.saveCheckpoint. node:fs is mocked so that a save fails midway (the
// disk fills after some bytes, fsync fails, rename fails) or writes only a few bytes per call; the
// previous file must stay byte-for-byte intact and loadable, and no temporary file may remain.
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { io, manualSeed, nn, randn, tensor } from '../../src/index.js';
import { tempDir } from './helpers.js';

const fault = vi.hoisted(() => ({
  /** Fail with ENOSPC once this many bytes were written in total (-1: never). */
  failAfterBytes: -1,
  /** Write at most this many bytes per writeSync call (0: no limit). */
  maxPerCall: 0,
  failOn: null as 'fsync' | 'rename' | null,
  written: 0,
  calls: 0,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const error = (code: string, syscall: string): Error => Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });
  const writeSync = (fd: number, buf: Uint8Array, offset: number, length: number): number => {
    fault.calls++;
    let n = length;
    if (fault.maxPerCall > 0) n = Math.min(n, fault.maxPerCall);
    if (fault.failAfterBytes >= 0) {
      const room = fault.failAfterBytes - fault.written;
      if (room <= 0) throw error('ENOSPC', 'write');
      n = Math.min(n, room);
    }
    const done = fs.writeSync(fd, buf, offset, n);
    fault.written += done;
    return done;
  };
  const fsyncSync = (fd: number): void => {
    if (fault.failOn === 'fsync') throw error('EIO', 'fsync');
    fs.fsyncSync(fd);
  };
  const renameSync = (from: string, to: string): void => {
    if (fault.failOn === 'rename') throw error('EXDEV', 'rename');
    fs.renameSync(from, to);
  };
  return { ...fs, default: { ...fs, writeSync, fsyncSync, renameSync }, writeSync, fsyncSync, renameSync };
});

const tmp = tempDir();
afterAll(tmp.cleanup);
afterEach(() => Object.assign(fault, { failAfterBytes: -1, maxPerCall: 0, failOn: null, written: 0, calls: 0 }));

let n = 0;
/** A fresh directory holding `name` with a previous, valid file. */
function withPrevious(name = 'model.safetensors'): { dir: string; file: string; before: Buffer } {
  const dir = join(tmp.dir, `case-${n++}`);
  const file = join(dir, name);
  mkdirSync(dir);
  io.save(file, { w: tensor([1, 2, 3]), b: tensor([0.5]) }, { metadata: { version: '1' } });
  return { dir, file, before: readFileSync(file) };
}

describe('a save that fails midway leaves the previous file intact and no temp file', () => {
  it.each([
    ['the disk fills after 100 bytes (inside the tensor data)', { failAfterBytes: 100 }, /ENOSPC/],
    ['the disk fills after 3 bytes (inside the length prefix)', { failAfterBytes: 3 }, /ENOSPC/],
    ['fsync fails', { failOn: 'fsync' as const }, /EIO/],
    ['rename fails', { failOn: 'rename' as const }, /EXDEV/],
  ])('%s', (_what, setting, error) => {
    const { dir, file, before } = withPrevious();
    const big = { w: randn(64, 64), b: randn(64) };
    Object.assign(fault, setting);
    expect(() => io.save(file, big, { metadata: { version: '2' } })).toThrow(error);
    Object.assign(fault, { failAfterBytes: -1, failOn: null });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    expect(io.load(file).metadata).toEqual({ version: '1' });
  });

  it('with no previous file, a failed save leaves the directory empty', () => {
    const { dir } = withPrevious();
    const fresh = join(dir, 'new.safetensors');
    fault.failAfterBytes = 50;
    expect(() => io.save(fresh, { w: randn(32) })).toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('a checkpoint whose save fails midway still loads as the previous checkpoint', () => {
    manualSeed(1);
    const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 4));
    const { dir } = withPrevious();
    const file = join(dir, 'ckpt.safetensors');
    io.saveCheckpoint(file, { model, metadata: { epoch: 1 } });
    const before = readFileSync(file);
    const saved = model.stateDict()['0.weight']!.tolist();
    model.parameters()[0]!.detach().mul_(0); // training moves on
    fault.failAfterBytes = 200;
    expect(() => io.saveCheckpoint(file, { model, metadata: { epoch: 2 } })).toThrow(/ENOSPC/);
    fault.failAfterBytes = -1;
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['ckpt.safetensors', 'model.safetensors']);
    const fresh = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 4));
    expect(io.loadCheckpoint(file, { model: fresh }).metadata).toEqual({ epoch: 1 });
    expect(fresh.stateDict()['0.weight']!.tolist()).toEqual(saved);
  });
});

describe('writing', () => {
  it('short writes (at most 7 bytes per call) still produce the exact bytes', () => {
    const { dir } = withPrevious();
    const file = join(dir, 'short.safetensors');
    const ts = { w: randn(10, 3), i: tensor([1, 2, 3], { dtype: 'int32' }) };
    fault.maxPerCall = 7;
    io.save(file, ts);
    const bytes = readFileSync(file);
    expect(fault.calls).toBeGreaterThanOrEqual(Math.ceil(bytes.length / 7));
    expect(bytes.equals(Buffer.from(io.serialize(ts)))).toBe(true);
  });

  it('replacing a file keeps its permission bits', () => {
    const { file } = withPrevious();
    chmodSync(file, 0o600);
    io.save(file, { w: tensor([4]) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(io.load(file).tensors['w']!.tolist()).toEqual([4]);
  });

  it('a missing directory is an ENOENT error and creates nothing', () => {
    const { dir } = withPrevious();
    expect(() => io.save(join(dir, 'no', 'such.safetensors'), { w: tensor([1]) })).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });
});
