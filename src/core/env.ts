// Environment variables the library reads, in one place: NODEGRAD_BACKEND (native|reference),
// NODEGRAD_DEBUG (0|1|2), NODEGRAD_NUM_THREADS, NODEGRAD_ISA.

export type EnvName = 'NODEGRAD_BACKEND' | 'NODEGRAD_DEBUG' | 'NODEGRAD_NUM_THREADS' | 'NODEGRAD_ISA';

export function env(name: EnvName): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}
