// Binding wrappers of the pooling and normalisation kernels (maxPool ... layerNormBackward in spec.ts):
// each validates every argument with args.h, then calls the active kernel table. addon.cc exports them
// through its kernel list; a data-dependent index fault is handed back for the Addon to throw.
#pragma once
#include <napi.h>

#include "ng/kernels.h"

namespace ngb {

// maxPool(geom, windows, x, xOffset, xStrides, out, withIndices, indices)
Napi::Value bind_max_pool(const Napi::CallbackInfo& info);
// avgPool(geom, windows, divisorOverride, x, xOffset, xStrides, out)
Napi::Value bind_avg_pool(const Napi::CallbackInfo& info);
// maxPoolBackward(planes, inSize, outSize, grad, indices, gradInput); *fault reports a bad index.
Napi::Value bind_max_pool_backward(const Napi::CallbackInfo& info, ng::IndexFault* fault);
// avgPoolBackward(geom, windows, divisorOverride, grad, gradInput)
Napi::Value bind_avg_pool_backward(const Napi::CallbackInfo& info);
// batchNormStats(x, N, C, S, mean, variance)
Napi::Value bind_batch_norm_stats(const Napi::CallbackInfo& info);
// batchNormApply(x, N, C, S, mean, variance, eps, weight, bias, out)
Napi::Value bind_batch_norm_apply(const Napi::CallbackInfo& info);
// batchNormBackward(grad, x, N, C, S, mean, variance, eps, weight, training, gradInput, sumGrad, sumGradXhat)
Napi::Value bind_batch_norm_backward(const Napi::CallbackInfo& info);
// layerNorm(x, R, L, eps, weight, bias, out, mean, rstd)
Napi::Value bind_layer_norm(const Napi::CallbackInfo& info);
// layerNormBackward(grad, x, R, L, mean, rstd, weight, gradInput, withParamGrads, gradWeight, gradBias)
Napi::Value bind_layer_norm_backward(const Napi::CallbackInfo& info);

}  // namespace ngb
