// The seedable random generator: MT19937 (as PyTorch's CPU generator) with PyTorch's transforms,
// so `manualSeed(s)` followed by `rand`/`randint`/`uniform_` gives the values `torch.manual_seed(s)`
// gives. Normal samples use PyTorch's Box-Muller layout; values agree with torch to float rounding.

const N = 624;
const M = 397;

export class Generator {
  private mt = new Int32Array(N);
  private mti = N + 1;
  private seedValue = 0;
  /** Cached second Box-Muller sample of the double path (PyTorch keeps one too). */
  private nextDoubleNormal: number | null = null;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`manualSeed: seed must be a non-negative safe integer, got ${String(seed)}`);
    }
    this.seedValue = seed;
    // PyTorch seeds mt19937 with the low 32 bits of the 64-bit seed.
    const s = Number(BigInt(seed) & 0xffffffffn);
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, split to stay exact in doubles.
      this.mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
    this.mti = N;
    this.nextDoubleNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seedValue;
  }

  /** Regenerates the 624-word state (MT19937's twist), in int32 arithmetic (no heap numbers). */
  private twist(): void {
    const mt = this.mt;
    const A = 0x9908b0df | 0;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (-(y & 1) & A);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (-(y & 1) & A);
    }
    const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & A);
    this.mti = 0;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.mti >= N) this.twist();
    let y = this.mt[this.mti++]! | 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Fills `out` with the next `out.length` draws of nextUint32 (the same sequence, in bulk: bulk random
   * ops such as dropout masks and rand take their draws from here).
   */
  fillUint32(out: Uint32Array): void {
    const mt = this.mt;
    const n = out.length;
    let i = 0;
    while (i < n) {
      if (this.mti >= N) this.twist();
      const start = this.mti;
      const take = Math.min(N - start, n - i);
      for (let j = 0; j < take; j++) {
        let y = mt[start + j]! | 0;
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        out[i + j] = y;
      }
      this.mti = start + take;
      i += take;
    }
  }

  /** Uniform in [0, 1) with 24 random bits: PyTorch's float `uniform_real_distribution`. */
  nextFloat24(): number {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /** Uniform in [0, 1) with 53 random bits: PyTorch's double path (two draws, high word first). */
  nextFloat53(): number {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    // (hi << 32 | lo) & (2^53 - 1), divided by 2^53.
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /** One standard normal sample (double path with the cached pair, as PyTorch's normal_distribution<double>). */
  nextNormal(): number {
    if (this.nextDoubleNormal !== null) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return v;
    }
    const u1 = this.nextFloat53();
    const u2 = this.nextFloat53();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fills `out` with U(from, to) the way PyTorch's `uniform_` does for float32 tensors. */
  fillUniform(out: Float32Array | Float64Array, from: number, to: number): void {
    const span = to - from;
    const n = out.length;
    if (out instanceof Float64Array) {
      const d = new Uint32Array(2 * n);
      this.fillUint32(d);
      for (let i = 0; i < n; i++) out[i] = (((d[2 * i]! & 0x1fffff) * 4294967296 + d[2 * i + 1]!) / 9007199254740992) * span + from;
    } else {
      const d = new Uint32Array(n);
      this.fillUint32(d);
      for (let i = 0; i < n; i++) out[i] = ((d[i]! & 0xffffff) / 16777216) * span + from;
    }
  }

  /**
   * out[i] = value where a 53-bit uniform draw is < keep, else left as is (0 for a fresh array): PyTorch's
   * bernoulli_(keep) on a float tensor, one double draw per element in order.
   */
  fillBernoulli(out: Float32Array | Float64Array, keep: number, value: number): void {
    const n = out.length;
    const d = new Uint32Array(2 * n);
    this.fillUint32(d);
    // u = (hi·2^32 + lo)/2^53 < keep  ⇔  hi·2^32 + lo < keep·2^53 (both sides exact in doubles).
    const threshold = keep * 9007199254740992;
    for (let i = 0; i < n; i++) {
      if ((d[2 * i]! & 0x1fffff) * 4294967296 + d[2 * i + 1]! < threshold) out[i] = value;
    }
  }

  /** Fills `out` with N(mean, std) following PyTorch's `normal_` layout (blocks of 16 for size >= 16). */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number): void {
    const n = out.length;
    if (n >= 16) {
      const uniform = (): number => (out instanceof Float64Array ? this.nextFloat53() : this.nextFloat24());
      for (let i = 0; i < n; i++) out[i] = uniform();
      const fill16 = (base: number): void => {
        for (let j = 0; j < 8; j++) {
          const u1 = 1 - out[base + j]!;
          const u2 = out[base + j + 8]!;
          const radius = Math.sqrt(-2 * Math.log(u1));
          const theta = 2 * Math.PI * u2;
          out[base + j] = radius * Math.cos(theta) * std + mean;
          out[base + j + 8] = radius * Math.sin(theta) * std + mean;
        }
      };
      for (let i = 0; i + 16 <= n; i += 16) fill16(i);
      if (n % 16 !== 0) {
        const base = n - 16;
        for (let i = 0; i < 16; i++) out[base + i] = uniform();
        fill16(base);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = this.nextNormal() * std + mean;
    }
  }

  /** Integer uniform in [low, high): PyTorch's `random_(from, to)` (32-bit draw modulo the range). */
  nextInt(low: number, high: number): number {
    const range = high - low;
    if (range <= 2 ** 32) return (this.nextUint32() % range) + low;
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return Number((BigInt(hi) * 4294967296n + BigInt(lo)) % BigInt(range)) + low;
  }
}

/** The default generator used by every random op unless one is passed explicitly. */
export const defaultGenerator = new Generator();

/** Seeds the default generator (PyTorch's `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
