// Compile-time checks of the public types: dtypes flow through ops, index/label/condition arguments
// need the right dtype. `npm test` runs tsc over this file, so every @ts-expect-error must stay an error.
import { describe, expectTypeOf, it } from 'vitest';
import { F, type Tensor, arange, argmax, gather, nn, ones, tensor, where } from '../src/index.js';

describe('dtype types', () => {
  it('carry the dtype through creation and ops', () => {
    const x = tensor([[1, 2]]);
    expectTypeOf(x).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(tensor([1, 2], { dtype: 'int32' })).toEqualTypeOf<Tensor<'int32'>>();
    expectTypeOf(x.gt(0)).toEqualTypeOf<Tensor<'bool'>>();
    expectTypeOf(argmax(x, 1)).toEqualTypeOf<Tensor<'int32'>>();
    expectTypeOf(x.add(1)).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(x.double().mul(x)).toEqualTypeOf<Tensor<'float64'>>();
    expectTypeOf(arange(3).float()).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(tensor([true]).item()).toEqualTypeOf<boolean>();
    expectTypeOf(x.sum().item()).toEqualTypeOf<number>();
    expectTypeOf(x.max(1).indices).toEqualTypeOf<Tensor<'int32'>>();
  });
  it('reject misuse at compile time', () => {
    // Never called: only the compiler looks at these lines.
    const misuse = (): void => {
      const x = ones(2, 3);
      const floatIdx = ones(2, 1);
      const idx = tensor([[0], [1]], { dtype: 'int32' });
      gather(x, 1, idx);
      // @ts-expect-error float indices are refused
      gather(x, 1, floatIdx);
      // @ts-expect-error the condition of where must be bool
      where(x, x, x);
      where(x.gt(0), x, 0);
      // @ts-expect-error nllLoss wants int32 class indices
      F.nllLoss(x, floatIdx);
      // @ts-expect-error a typo in an option name
      F.crossEntropy(x, idx, { labelSmothing: 0.1 });
      // @ts-expect-error Linear sizes are numbers
      new nn.Linear('3', 2);
    };
    expectTypeOf(misuse).toBeFunction();
  });
});
