// Binding wrappers of the recurrent-layer kernels (rnnForward, rnnBackward in spec.ts): each validates every
// argument with args.h, then calls the active kernel table. addon.cc exports them through its kernel list.
#pragma once
#include <napi.h>

namespace ngb {

// rnnForward(mode, geometry, x, xOffset, wIh, wIhOffset, wHh, wHhOffset, bIh | null, bIhOffset, bHh | null, bHhOffset,
//            h0, h0Offset, c0 | null, c0Offset, lengths | null, y, yOffset, hN, hNOffset, cN | null, cNOffset, ws, wsOffset)
Napi::Value bind_rnn_forward(const Napi::CallbackInfo& info);
// rnnBackward(mode, geometry, x, xOffset, wIh, wIhOffset, wHh, wHhOffset, lengths | null, ws, wsOffset, gy, gyOffset,
//             ghN | null, ghNOffset, gcN | null, gcNOffset, gx | null, gh0 | null, gc0 | null, gwIh | null, gwHh | null,
//             gbIh | null, gbHh | null, work)
Napi::Value bind_rnn_backward(const Napi::CallbackInfo& info);

}  // namespace ngb
