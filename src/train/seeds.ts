// Several training runs from different seeds, keeping the best: the course's remedy for a run that
// settles in a poor local minimum. The run itself is the caller's (build a model, fit it, score it).

import { ArgumentError, checkOptions } from '../core/errors.js';
import { manualSeed } from '../core/random.js';

export interface SeedScore {
  seed: number;
  score: number;
}

export interface BestOfSeedsOptions<R> {
  /** The number to compare runs by, e.g. `(r) => r.history.last()!.valLoss`. */
  score: (result: R) => number;
  /** 'min' (default) or 'max': which score is better. */
  mode?: 'min' | 'max';
}

export interface BestOfSeedsResult<R> {
  /** The best run: its seed, score and whatever `run` returned (e.g. the trained model). */
  best: SeedScore & { result: R };
  /** Every run's seed and score, in order. */
  runs: SeedScore[];
}

/**
 * Calls `run(seed)` after `manualSeed(seed)` for each seed and returns the best run by `score`
 * (ties: the earlier seed). Only the best run's result is kept; runs scoring NaN never win.
 * @example
 * const { best } = train.bestOfSeeds([0, 1, 2], (seed) => {
 *   const model = makeModel();
 *   const history = train.fit(model, { ... });
 *   return { model, history };
 * }, { score: (r) => r.history.last()!.valLoss! });
 */
export function bestOfSeeds<R>(seeds: readonly number[], run: (seed: number) => R, options: BestOfSeedsOptions<R>): BestOfSeedsResult<R> {
  checkOptions('bestOfSeeds', options, ['score', 'mode']);
  if (!Array.isArray(seeds) || seeds.length === 0) throw new ArgumentError('bestOfSeeds', 'seeds', 'must be a non-empty array of integers');
  seeds.forEach((s, i) => {
    if (!Number.isSafeInteger(s)) throw new ArgumentError('bestOfSeeds', `seeds[${i}]`, `must be an integer, got ${String(s)}`);
  });
  if (typeof run !== 'function') throw new ArgumentError('bestOfSeeds', 'run', 'must be a function (seed) => result');
  if (typeof options.score !== 'function') throw new ArgumentError('bestOfSeeds', 'score', 'must be a function (result) => number');
  const mode = options.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw new ArgumentError('bestOfSeeds', 'mode', `must be 'min' or 'max', got ${JSON.stringify(mode)}`);
  const runs: SeedScore[] = [];
  let best: (SeedScore & { result: R }) | null = null;
  for (const seed of seeds) {
    manualSeed(seed);
    const result = run(seed);
    const score = options.score(result);
    if (typeof score !== 'number') throw new ArgumentError('bestOfSeeds', 'score', `must return a number, got ${typeof score} for seed ${seed}`);
    runs.push({ seed, score });
    const better = best === null || (!Number.isNaN(score) && (Number.isNaN(best.score) || (mode === 'min' ? score < best.score : score > best.score)));
    if (better) best = { seed, score, result };
  }
  return { best: best!, runs };
}
