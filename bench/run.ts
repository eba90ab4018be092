// `npm run bench`: prints the standard workload tables (../shared/bench/WORKLOADS.md) with the
// backend, ISA and thread count in use. `--quick` skips the largest shapes.

import { getBackend, nativeInfo } from '../src/index.js';
import { runW1 } from './w1_gemm.js';
import { runW4 } from './w4_mlp.js';
import { runElementwise } from './elementwise.js';

const quick = process.argv.includes('--quick');
console.log(`nodegrad bench: backend=${getBackend()} native=${JSON.stringify(nativeInfo())} node=${process.version}`);
runW1(quick);
runW4();
runElementwise(quick);
