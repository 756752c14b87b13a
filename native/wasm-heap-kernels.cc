// Native kernels for the kit's onednn engine: 2-D convolutions and both of
// their gradients on oneDNN (Debian's libdnnl-dev), a row sum (bias
// gradients) and the gradient of max pooling. Tensors stay in the wasm heap and are handed over as
// Float32Array views, so nothing is copied. Layouts are TensorFlow's:
// activations NHWC, filters HWIO. oneDNN may prefer blocked filters; those
// are reordered on each call (filters are small, activations never are).
//
// Exports (all synchronous; dims is an Int32Array, see Dims):
//   forward(x, w, bias | null, y, dims, activation, alpha)   y = act(conv(x, w) + bias)
//   backwardData(dy, w, dx, dims)                             dx = ∂/∂x
//   backwardWeights(x, dy, dw, dims)                          dw = ∂/∂w
//   sumRows(x, out, rows, cols)                               out[c] = Σ_r x[r, c]
//   maxPoolGrad(x, y, dy, dx, poolDims)                       dx of a max pool (y = its output)
//   implementation(op, dims) → string                         oneDNN's implementation name
// Convolution primitives are built once per shape and kept (oneDNN JIT-compiles them).
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace {

using dnnl::algorithm;
using dnnl::memory;
using dims_t = memory::dims;
using tag = memory::format_tag;
constexpr auto f32 = memory::data_type::f32;

// Order of the dims array passed from JavaScript.
enum Dim { N, IH, IW, CI, KH, KW, CO, OH, OW, SH, SW, DH, DW, PT, PL, PB, PR, DIM_COUNT };
enum Op { FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_WEIGHTS = 2 };
// Activations fused after a forward convolution (tfjs's FusedConv2D).
enum Activation { LINEAR = 0, RELU = 1, RELU6 = 2, LEAKY_RELU = 3, ELU = 4, SIGMOID = 5 };

struct Dims {
  int64_t v[DIM_COUNT];
  dims_t src() const { return {v[N], v[CI], v[IH], v[IW]}; }
  dims_t dst() const { return {v[N], v[CO], v[OH], v[OW]}; }
  dims_t weights() const { return {v[CO], v[CI], v[KH], v[KW]}; }
  dims_t strides() const { return {v[SH], v[SW]}; }
  // oneDNN counts dilation from 0 (TensorFlow from 1).
  dims_t dilates() const { return {v[DH] - 1, v[DW] - 1}; }
  dims_t padL() const { return {v[PT], v[PL]}; }
  dims_t padR() const { return {v[PB], v[PR]}; }
};

dnnl::engine &cpu() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}
dnnl::stream &cpuStream() {
  static dnnl::stream stream(cpu());
  return stream;
}

memory::desc plain(const dims_t &d, tag t) { return memory::desc(d, f32, t); }

// One convolution of a fixed shape, ready to run: its primitive and, where
// oneDNN wants another filter layout than HWIO, the reorder and the buffer.
struct Plan {
  dnnl::primitive conv;
  memory::desc srcMd, dstMd, userWeightsMd, weightsMd;
  std::string impl;
  bool reorderWeights = false;
  std::unique_ptr<memory> weightsBuffer;  // oneDNN's layout, when it differs
  dnnl::reorder weightsReorder;            // user → buffer (forward, data) or buffer → user (weights)
  bool hasBias = false;
};

dnnl::convolution_forward::primitive_desc forwardDesc(const Dims &d, const memory::desc &src, const memory::desc &dst, bool bias,
                                                     const dnnl::primitive_attr &attr, dnnl::prop_kind kind) {
  memory::desc anyWeights = plain(d.weights(), tag::any);
  if (bias) {
    dnnl::convolution_forward::desc desc(kind, algorithm::convolution_direct, src, anyWeights, plain({d.v[CO]}, tag::x), dst, d.strides(),
                                         d.dilates(), d.padL(), d.padR());
    return dnnl::convolution_forward::primitive_desc(desc, attr, cpu());
  }
  dnnl::convolution_forward::desc desc(kind, algorithm::convolution_direct, src, anyWeights, dst, d.strides(), d.dilates(), d.padL(),
                                       d.padR());
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpu());
}

void attachWeights(Plan &plan, const memory::desc &chosen, bool userToChosen) {
  plan.weightsMd = chosen;
  plan.reorderWeights = chosen != plan.userWeightsMd;
  if (!plan.reorderWeights) return;
  plan.weightsBuffer = std::make_unique<memory>(chosen, cpu());
  memory::desc from = userToChosen ? plan.userWeightsMd : chosen;
  memory::desc to = userToChosen ? chosen : plan.userWeightsMd;
  plan.weightsReorder = dnnl::reorder(dnnl::reorder::primitive_desc(cpu(), from, cpu(), to));
}

Plan makePlan(Op op, const Dims &d, int activation, float alpha, bool bias) {
  Plan plan;
  plan.srcMd = plain(d.src(), tag::nhwc);
  plan.dstMd = plain(d.dst(), tag::nhwc);
  plan.userWeightsMd = plain(d.weights(), tag::hwio);
  plan.hasBias = bias;
  if (op == FORWARD) {
    dnnl::primitive_attr attr;
    if (activation != LINEAR) {
      dnnl::post_ops ops;
      switch (activation) {
        case RELU: ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); break;
        case RELU6: ops.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f); break;
        case LEAKY_RELU: ops.append_eltwise(1.f, algorithm::eltwise_relu, alpha, 0.f); break;
        case ELU: ops.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f); break;
        case SIGMOID: ops.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); break;
        default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
      }
      attr.set_post_ops(ops);
    }
    auto pd = forwardDesc(d, plan.srcMd, plan.dstMd, bias, attr, dnnl::prop_kind::forward_inference);
    plan.conv = dnnl::convolution_forward(pd);
    plan.impl = pd.impl_info_str();
    attachWeights(plan, pd.weights_desc(), true);
  } else if (op == BACKWARD_DATA) {
    auto hint = forwardDesc(d, plan.srcMd, plan.dstMd, false, dnnl::primitive_attr(), dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_data::desc desc(algorithm::convolution_direct, plan.srcMd, plain(d.weights(), tag::any), plan.dstMd,
                                               d.strides(), d.dilates(), d.padL(), d.padR());
    dnnl::convolution_backward_data::primitive_desc pd(desc, cpu(), hint);
    plan.conv = dnnl::convolution_backward_data(pd);
    plan.impl = pd.impl_info_str();
    attachWeights(plan, pd.weights_desc(), true);
  } else {
    auto hint = forwardDesc(d, plan.srcMd, plan.dstMd, false, dnnl::primitive_attr(), dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_weights::desc desc(algorithm::convolution_direct, plan.srcMd, plain(d.weights(), tag::any), plan.dstMd,
                                                  d.strides(), d.dilates(), d.padL(), d.padR());
    dnnl::convolution_backward_weights::primitive_desc pd(desc, cpu(), hint);
    plan.conv = dnnl::convolution_backward_weights(pd);
    plan.impl = pd.impl_info_str();
    attachWeights(plan, pd.diff_weights_desc(), false);
  }
  return plan;
}

Plan &planFor(Op op, const Dims &d, int activation, float alpha, bool bias) {
  static std::map<std::vector<int64_t>, Plan> plans;
  std::vector<int64_t> key(d.v, d.v + DIM_COUNT);
  key.push_back(op);
  key.push_back(activation);
  int32_t alphaBits;
  std::memcpy(&alphaBits, &alpha, sizeof alphaBits);
  key.push_back(alphaBits);
  key.push_back(bias);
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  return plans.emplace(key, makePlan(op, d, activation, alpha, bias)).first->second;
}

// Sum over the rows of an [R, C] matrix (a bias gradient: NHWC summed over
// N, H, W). oneDNN 2.6's reduction primitive takes its reference path here
// (24 ms for 65,536 × 16), so this is a plain loop the compiler vectorises:
// blocks of rows summed in float, the blocks added in double.
void sumRows(const float *x, float *out, int64_t rows, int64_t cols) {
  constexpr int64_t BLOCK = 64;
  std::vector<double> total(cols, 0.0);
  std::vector<float> part(cols);
  for (int64_t r0 = 0; r0 < rows; r0 += BLOCK) {
    std::fill(part.begin(), part.end(), 0.f);
    const int64_t r1 = std::min(rows, r0 + BLOCK);
    for (int64_t r = r0; r < r1; r++) {
      const float *row = x + r * cols;
      for (int64_t c = 0; c < cols; c++) part[c] += row[c];
    }
    for (int64_t c = 0; c < cols; c++) total[c] += part[c];
  }
  for (int64_t c = 0; c < cols; c++) out[c] = static_cast<float>(total[c]);
}

// Order of the Adam parameters passed from JavaScript.
enum AdamParam { A_LR, A_BETA1, A_BETA2, A_EPSILON, A_CORRECTION1, A_CORRECTION2, ADAM_PARAM_COUNT };

// One Adam step of one variable, term for term the kit's JavaScript kernel
// (lib/engine/adam-update.ts): computed in double, stored in float, so both
// give the same bits.
void adamUpdate(const float *w, const float *g, const float *m, const float *v, float *w2, float *m2, float *v2, size_t n, const double *p) {
  const double lr = p[A_LR], beta1 = p[A_BETA1], beta2 = p[A_BETA2], epsilon = p[A_EPSILON];
  const double c1 = p[A_CORRECTION1], c2 = p[A_CORRECTION2];
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = beta1 * m[i] + (1 - beta1) * gi;
    const double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m2[i] = static_cast<float>(mi);
    v2[i] = static_cast<float>(vi);
    w2[i] = static_cast<float>(w[i] - lr * (mi / c1 / (std::sqrt(vi / c2) + epsilon)));
  }
}

// Order of the pool dims array passed from JavaScript.
enum PoolDim { P_N, P_H, P_W, P_C, P_KH, P_KW, P_SH, P_SW, P_OH, P_OW, P_TOP, P_LEFT, POOL_DIM_COUNT };

// The gradient of a max pool: each output's gradient goes to the first pixel
// of its window (row-major, padding skipped) whose value equals the pool's
// output, as tfjs's cpu kernel does with ties.
void maxPoolGrad(const float *x, const float *y, const float *dy, float *dx, const int32_t *p) {
  const int64_t n = p[P_N], h = p[P_H], w = p[P_W], c = p[P_C];
  std::fill(dx, dx + n * h * w * c, 0.f);
  std::vector<int64_t> taps(static_cast<size_t>(p[P_KH]) * p[P_KW]);
  for (int64_t b = 0; b < n; b++) {
    for (int64_t oy = 0; oy < p[P_OH]; oy++) {
      for (int64_t ox = 0; ox < p[P_OW]; ox++) {
        size_t count = 0;
        for (int64_t ky = 0; ky < p[P_KH]; ky++) {
          const int64_t iy = oy * p[P_SH] + ky - p[P_TOP];
          if (iy < 0 || iy >= h) continue;
          for (int64_t kx = 0; kx < p[P_KW]; kx++) {
            const int64_t ix = ox * p[P_SW] + kx - p[P_LEFT];
            if (ix >= 0 && ix < w) taps[count++] = ((b * h + iy) * w + ix) * c;
          }
        }
        const int64_t out = ((b * p[P_OH] + oy) * p[P_OW] + ox) * c;
        for (int64_t k = 0; k < c; k++) {
          const float max = y[out + k];
          for (size_t t = 0; t < count; t++) {
            const int64_t at = taps[t] + k;
            if (x[at] == max) {
              dx[at] += dy[out + k];
              break;
            }
          }
        }
      }
    }
  }
}

// --- Node-API glue ----------------------------------------------------------

struct JsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(napi_env env, napi_status status, const char *what) {
  if (status != napi_ok) throw JsError(std::string("wasm-heap-kernels: ") + what);
}

// A typed array's data and length; throws naming the argument unless it is a typed array of type `want`.
std::pair<void *, size_t> typedArray(napi_env env, napi_value value, napi_typedarray_type want, const char *name, const char *typeName) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = nullptr;
  napi_value buffer;
  size_t offset;
  bool isTyped = false;
  check(env, napi_is_typedarray(env, value, &isTyped), "napi_is_typedarray");
  if (isTyped) check(env, napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset), "napi_get_typedarray_info");
  if (!isTyped || type != want) throw JsError(std::string(name) + " must be a " + typeName);
  return {data, length};
}

float *floats(napi_env env, napi_value value, size_t expected, const char *name) {
  auto [data, length] = typedArray(env, value, napi_float32_array, name, "Float32Array");
  if (length != expected) {
    throw JsError(std::string(name) + " has " + std::to_string(length) + " values, the shape needs " + std::to_string(expected));
  }
  return static_cast<float *>(data);
}

const int32_t *ints(napi_env env, napi_value value, size_t expected, const char *name) {
  auto [data, length] = typedArray(env, value, napi_int32_array, name, "Int32Array");
  if (length != expected) throw JsError(std::string(name) + " must be an Int32Array of " + std::to_string(expected));
  return static_cast<const int32_t *>(data);
}

Dims readDims(napi_env env, napi_value value) {
  const int32_t *v = ints(env, value, DIM_COUNT, "dims");
  Dims d;
  for (int i = 0; i < DIM_COUNT; i++) d.v[i] = v[i];
  return d;
}

int64_t product(const dims_t &d) {
  int64_t p = 1;
  for (auto x : d) p *= x;
  return p;
}

template <size_t Count>
void readArgs(napi_env env, napi_callback_info info, napi_value (&args)[Count]) {
  size_t argc = Count;
  check(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr), "napi_get_cb_info");
  if (argc != Count) throw JsError("expected " + std::to_string(Count) + " arguments, got " + std::to_string(argc));
}

// Runs `body`, turning C++ and oneDNN errors into JavaScript errors.
template <typename Body>
napi_value guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const dnnl::error &e) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + e.what()).c_str());
  } catch (const std::exception &e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

// Runs a planned convolution and waits for it.
void runConv(Plan &plan, const std::unordered_map<int, memory> &args) {
  plan.conv.execute(cpuStream(), args);
  cpuStream().wait();
}

// The filter as a forward or backward-data convolution reads it: the caller's
// HWIO array, or oneDNN's layout of it after a reorder.
memory filterInput(Plan &plan, float *w) {
  memory user(plan.userWeightsMd, cpu(), w);
  if (!plan.reorderWeights) return user;
  plan.weightsReorder.execute(cpuStream(), user, *plan.weightsBuffer);
  return *plan.weightsBuffer;
}

napi_value Forward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[7];
    readArgs(env, info, a);
    Dims d = readDims(env, a[4]);
    int32_t activation;
    double alpha;
    check(env, napi_get_value_int32(env, a[5], &activation), "activation must be a number");
    check(env, napi_get_value_double(env, a[6], &alpha), "alpha must be a number");
    napi_valuetype biasType;
    check(env, napi_typeof(env, a[2], &biasType), "napi_typeof");
    bool bias = biasType != napi_null && biasType != napi_undefined;
    float *x = floats(env, a[0], product(d.src()), "x");
    float *w = floats(env, a[1], product(d.weights()), "filter");
    float *b = bias ? floats(env, a[2], d.v[CO], "bias") : nullptr;
    float *y = floats(env, a[3], product(d.dst()), "y");
    Plan &plan = planFor(FORWARD, d, activation, static_cast<float>(alpha), bias);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(plan.srcMd, cpu(), x)},
                                         {DNNL_ARG_WEIGHTS, filterInput(plan, w)},
                                         {DNNL_ARG_DST, memory(plan.dstMd, cpu(), y)}};
    if (bias) args.emplace(DNNL_ARG_BIAS, memory(plain({d.v[CO]}, tag::x), cpu(), b));
    runConv(plan, args);
    return nullptr;
  });
}

napi_value BackwardData(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    readArgs(env, info, a);
    Dims d = readDims(env, a[3]);
    float *dy = floats(env, a[0], product(d.dst()), "dy");
    float *w = floats(env, a[1], product(d.weights()), "filter");
    float *dx = floats(env, a[2], product(d.src()), "dx");
    Plan &plan = planFor(BACKWARD_DATA, d, LINEAR, 0.f, false);
    runConv(plan, {{DNNL_ARG_DIFF_DST, memory(plan.dstMd, cpu(), dy)},
                   {DNNL_ARG_WEIGHTS, filterInput(plan, w)},
                   {DNNL_ARG_DIFF_SRC, memory(plan.srcMd, cpu(), dx)}});
    return nullptr;
  });
}

napi_value BackwardWeights(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    readArgs(env, info, a);
    Dims d = readDims(env, a[3]);
    float *x = floats(env, a[0], product(d.src()), "x");
    float *dy = floats(env, a[1], product(d.dst()), "dy");
    float *dw = floats(env, a[2], product(d.weights()), "dw");
    Plan &plan = planFor(BACKWARD_WEIGHTS, d, LINEAR, 0.f, false);
    memory user(plan.userWeightsMd, cpu(), dw);
    runConv(plan, {{DNNL_ARG_SRC, memory(plan.srcMd, cpu(), x)},
                   {DNNL_ARG_DIFF_DST, memory(plan.dstMd, cpu(), dy)},
                   {DNNL_ARG_DIFF_WEIGHTS, plan.reorderWeights ? *plan.weightsBuffer : user}});
    if (plan.reorderWeights) {
      plan.weightsReorder.execute(cpuStream(), *plan.weightsBuffer, user);
      cpuStream().wait();
    }
    return nullptr;
  });
}

napi_value SumRows(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    readArgs(env, info, a);
    int32_t rows, cols;
    check(env, napi_get_value_int32(env, a[2], &rows), "rows must be a number");
    check(env, napi_get_value_int32(env, a[3], &cols), "cols must be a number");
    if (rows < 1 || cols < 1) throw JsError("rows and cols must be >= 1");
    float *x = floats(env, a[0], static_cast<size_t>(rows) * cols, "x");
    float *out = floats(env, a[1], cols, "out");
    sumRows(x, out, rows, cols);
    return nullptr;
  });
}

napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    readArgs(env, info, a);
    const int32_t *p = ints(env, a[4], POOL_DIM_COUNT, "poolDims");
    const size_t in = static_cast<size_t>(p[P_N]) * p[P_H] * p[P_W] * p[P_C];
    const size_t out = static_cast<size_t>(p[P_N]) * p[P_OH] * p[P_OW] * p[P_C];
    maxPoolGrad(floats(env, a[0], in, "x"), floats(env, a[1], out, "y"), floats(env, a[2], out, "dy"), floats(env, a[3], in, "dx"), p);
    return nullptr;
  });
}

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[8];
    readArgs(env, info, a);
    const size_t n = typedArray(env, a[0], napi_float32_array, "value", "Float32Array").second;
    const char *names[7] = {"value", "gradient", "m", "v", "new value", "new m", "new v"};
    float *t[7];
    for (int i = 0; i < 7; i++) t[i] = floats(env, a[i], n, names[i]);
    auto [params, count] = typedArray(env, a[7], napi_float64_array, "params", "Float64Array");
    if (count != ADAM_PARAM_COUNT) throw JsError("params must hold 6 values: learning rate, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t");
    const double *p = static_cast<const double *>(params);
    adamUpdate(t[0], t[1], t[2], t[3], t[4], t[5], t[6], n, p);
    return nullptr;
  });
}

napi_value Implementation(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[2];
    readArgs(env, info, a);
    int32_t op;
    check(env, napi_get_value_int32(env, a[0], &op), "op must be a number");
    if (op < FORWARD || op > BACKWARD_WEIGHTS) throw JsError("op must be 0 (forward), 1 (backward data) or 2 (backward weights)");
    Dims d = readDims(env, a[1]);
    const std::string &impl = planFor(static_cast<Op>(op), d, LINEAR, 0.f, false).impl;
    napi_value result;
    check(env, napi_create_string_utf8(env, impl.c_str(), impl.size(), &result), "napi_create_string_utf8");
    return result;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"forward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"backwardData", nullptr, BackwardData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"backwardWeights", nullptr, BackwardWeights, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"implementation", nullptr, Implementation, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
