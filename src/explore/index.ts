// The explore namespace: gradient descent and ascent on functions you can see, the course's landscapes,
// and parametric sweeps. Pictures of all of it are in the plot namespace; the CLI is explore/cli.ts.

export {
  descend, type DescendOptions, type DescentResult, type Objective, type Schedule, type StartPoint, type StopReason,
} from './descend.js';
export {
  landscapes, poly6, peaks, flatBottom, steepWalls, getLandscape, classify,
  type Landscape, type LandscapeName, type CriticalPoint, type CriticalKind,
} from './landscapes.js';
export {
  sweepStarts, sweepLr, sweepEpochs, sweepLrEpochs, sweepRandomStarts, startGrid, SweepTable,
  type SweepKind, type SweepRow, type SweepOptions, type RandomStartsOptions,
} from './sweep.js';
