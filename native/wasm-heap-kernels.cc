// Native kernels for the kit's onednn engine: 2-D convolutions and both of
// their gradients on oneDNN (Debian's libdnnl-dev), a row sum (bias
// gradients), the gradients of max pooling and of ReLU, box copies (slices
// and concatenations), the Adam step, the min/max/NaN summary of range
// checks and the separable Gaussian blur of the alternative images. Tensors stay in the wasm heap and are handed over as
// Float32Array views, so nothing is copied. Layouts are TensorFlow's:
// activations NHWC, filters HWIO. oneDNN may prefer blocked filters; those
// are reordered (filters are small, activations never are), and kept for the
// next calls when the caller names the filter by a key (filterKey ≥ 0: the
// same key and address promise the same values), so a frozen net's filters
// are reordered once.
//
// Exports (all synchronous; dims is an Int32Array, see Dims):
//   forward(x, w, bias | null, y, dims, activation, alpha, filterKey?)   y = act(conv(x, w) + bias)
//   backwardData(dy, w, dx, dims, filterKey?)                 dx = ∂/∂x
//   clearFilters()                                            forgets the filters kept by key
//   backwardWeights(x, dy, dw, dims)                          dw = ∂/∂w
//   sumRows(x, out, rows, cols)                               out[c] = Σ_r x[r, c]
//   maxPoolGrad(x, y, dy, dx, poolDims)                       dx of a max pool (y = its output)
//   adamUpdate(w, g, m, v, w2, m2, v2, params)                one Adam step of one variable
//   copyBox(src, dst, box)                                    a box of src copied into dst (Slice, SplitV, Concat)
//   reluGrad(dy, y, dx)                                       dx = dy · step(y), the gradient of a ReLU
//   valueSummary(x, out)                                      out = min, max (NaN skipped), NaN count
//   mirrorBlur(x, y, weights, shape)                          separable blur, mirror-extended borders
//   setThreads(n), threads() → n                              OpenMP threads of the next calls
//   implementation(op, dims) → string                         oneDNN's implementation name
// Convolution primitives are built once per shape and thread count and kept
// (oneDNN JIT-compiles them and sizes their work split by the thread count).
//
// Threads: oneDNN and the kit's own loops run on OpenMP threads, as many as
// the last setThreads asked. The kit's loops split their work so that the
// result does not depend on the thread count (same bits on 1, 2 or 4 threads).
//
// Memory safety: every array is checked against the shape it must hold and
// outputs against overlapping inputs before anything runs (a thrown error
// names the kernel and the shape); shapes oneDNN would reject are refused the
// same way. Strided 1×1 convolutions are reduced to unit stride here rather
// than by oneDNN: its "reduce to unit stride" path writes past its workspace
// for NHWC sources with fewer input channels than its vector block
// (oneDNN issue 6035). oneDNN's scratchpad is the kit's own, placed so that
// its end touches an inaccessible page: an overrun by oneDNN faults at once
// instead of corrupting the heap.
#include <node_api.h>
#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <sstream>
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

struct JsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Order of the dims array passed from JavaScript.
enum Dim { N, IH, IW, CI, KH, KW, CO, OH, OW, SH, SW, DH, DW, PT, PL, PB, PR, DIM_COUNT };
enum Op { FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_WEIGHTS = 2 };
const char *const OP_NAMES[] = {"forward convolution", "convolution backward data", "convolution backward weights"};
// Activations fused after a forward convolution (tfjs's FusedConv2D).
enum Activation { LINEAR = 0, RELU = 1, RELU6 = 2, LEAKY_RELU = 3, ELU = 4, SIGMOID = 5 };

// Below this many values a loop of the kit's runs on one thread: waking the
// others would cost more than it saves.
constexpr int64_t PARALLEL_MIN_VALUES = 1 << 14;

// No array the kit hands over comes near this many values; larger shapes are refused before any size is multiplied out.
constexpr int64_t MAX_VALUES = int64_t{1} << 40;

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

// The shapes of a convolution, TensorFlow's way round, for error messages.
std::string describe(const Dims &d) {
  std::ostringstream s;
  s << "x [" << d.v[N] << ", " << d.v[IH] << ", " << d.v[IW] << ", " << d.v[CI] << "], filter [" << d.v[KH] << ", " << d.v[KW] << ", " << d.v[CI]
    << ", " << d.v[CO] << "], y [" << d.v[N] << ", " << d.v[OH] << ", " << d.v[OW] << ", " << d.v[CO] << "], strides " << d.v[SH] << "x" << d.v[SW]
    << ", dilations " << d.v[DH] << "x" << d.v[DW] << ", pads " << d.v[PT] << " " << d.v[PL] << " " << d.v[PB] << " " << d.v[PR];
  return s.str();
}

// Product of sizes that are each in [1, MAX_VALUES]; throws naming `where` when it exceeds MAX_VALUES.
int64_t product(std::initializer_list<int64_t> sizes, const std::string &where) {
  int64_t p = 1;
  for (int64_t s : sizes) {
    if (s < 1 || s > MAX_VALUES || p > MAX_VALUES / s) throw JsError(where + ": an array would hold more than 2^40 values or a size is below 1");
    p *= s;
  }
  return p;
}

// Values of x, y and the filter of a convolution.
int64_t srcSize(const Dims &d, const std::string &where) { return product({d.v[N], d.v[IH], d.v[IW], d.v[CI]}, where); }
int64_t dstSize(const Dims &d, const std::string &where) { return product({d.v[N], d.v[OH], d.v[OW], d.v[CO]}, where); }
int64_t weightsSize(const Dims &d, const std::string &where) { return product({d.v[KH], d.v[KW], d.v[CI], d.v[CO]}, where); }

// Throws, naming the kernel and the shapes, unless `d` is a convolution oneDNN
// runs as TensorFlow defines it: sizes, strides and dilations of at least 1,
// pads of at least 0, and output sizes that follow from the rest.
void validate(const std::string &where, const Dims &d) {
  auto fail = [&](const char *why) { throw JsError(where + ": " + why + " (" + describe(d) + ")"); };
  for (int i : {N, IH, IW, CI, KH, KW, CO, OH, OW}) {
    if (d.v[i] < 1 || d.v[i] > MAX_VALUES) fail("every size must be at least 1");
  }
  for (int i : {SH, SW, DH, DW}) {
    if (d.v[i] < 1 || d.v[i] > MAX_VALUES) fail("strides and dilations must be at least 1");
  }
  for (int i : {PT, PL, PB, PR}) {
    if (d.v[i] < 0 || d.v[i] > MAX_VALUES) fail("pads must be at least 0");
  }
  auto outSize = [](int64_t in, int64_t k, int64_t dilation, int64_t stride, int64_t before, int64_t after) {
    const int64_t span = in + before + after - ((k - 1) * dilation + 1);
    return span < 0 ? int64_t{0} : span / stride + 1;
  };
  if (outSize(d.v[IH], d.v[KH], d.v[DH], d.v[SH], d.v[PT], d.v[PB]) != d.v[OH] || outSize(d.v[IW], d.v[KW], d.v[DW], d.v[SW], d.v[PL], d.v[PR]) != d.v[OW]) {
    fail("the output size does not follow from the input size, kernel, strides, dilations and pads");
  }
  srcSize(d, where);
  dstSize(d, where);
  weightsSize(d, where);
}

dnnl::engine &cpu() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}
dnnl::stream &cpuStream() {
  static dnnl::stream stream(cpu());
  return stream;
}

memory::desc plain(const dims_t &d, tag t) { return memory::desc(d, f32, t); }

// One region of memory whose end touches an inaccessible page. It serves as
// oneDNN's scratchpad: each request is placed at the end, so a write past it
// faults at once instead of corrupting whatever the heap holds next.
class GuardedBuffer {
 public:
  GuardedBuffer() = default;
  GuardedBuffer(const GuardedBuffer &) = delete;
  GuardedBuffer &operator=(const GuardedBuffer &) = delete;
  ~GuardedBuffer() { release(); }

  // `bytes` (rounded up to 64) ending at the guard page; valid until the next call.
  void *end(size_t bytes) {
    const size_t need = (bytes + 63) / 64 * 64;
    if (need > capacity_) grow(need);
    return base_ + capacity_ - need;
  }

 private:
  void grow(size_t need) {
    release();
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t capacity = (need + page - 1) / page * page;
    void *mapped = mmap(nullptr, capacity + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    base_ = static_cast<char *>(mapped);
    capacity_ = capacity;
    if (mprotect(base_ + capacity_, page, PROT_NONE) != 0) {
      release();
      throw std::runtime_error("oneDNN scratchpad: mprotect of the guard page failed");
    }
  }
  void release() {
    if (base_) munmap(base_, capacity_ + static_cast<size_t>(sysconf(_SC_PAGESIZE)));
    base_ = nullptr;
    capacity_ = 0;
  }
  char *base_ = nullptr;
  size_t capacity_ = 0;
};

GuardedBuffer &scratchpad() {
  static GuardedBuffer buffer;
  return buffer;
}

// A filter in oneDNN's layout, kept for the next calls with the same filter.
// `key` is the filter tensor's identity given by the caller (tfjs never
// changes a tensor's data, so the same key and address mean the same values).
struct ReorderedFilter {
  double key = -1;
  const float *from = nullptr;
  uint64_t lastUse = 0;
  std::unique_ptr<memory> buffer;
};

// Filters in oneDNN's layout kept per plan: the most recently used ones, so
// that a frozen net's layers of one shape reuse theirs across calls.
constexpr size_t REORDERED_FILTERS_PER_PLAN = 4;

// One convolution of a fixed shape, ready to run: its primitive and, where
// oneDNN wants another filter layout than HWIO, the reorder and the buffers.
struct Plan {
  dnnl::primitive conv;
  memory::desc srcMd, dstMd, userWeightsMd, weightsMd, scratchpadMd;
  std::string impl;
  bool reorderWeights = false;
  std::unique_ptr<memory> weightsBuffer;  // oneDNN's layout, when it differs (filters without a key, filter gradients)
  std::vector<ReorderedFilter> reordered;  // keyed filters in oneDNN's layout
  dnnl::reorder weightsReorder;            // user → buffer (forward, data) or buffer → user (weights)
  bool hasBias = false;
};

// Bumped on each use of a kept filter; and the generation of every kept filter, see clearReorderedFilters.
uint64_t filterClock = 0;
std::vector<Plan *> plansWithFilters;

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

// Attributes of every convolution: the scratchpad is the caller's (see GuardedBuffer).
dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

Plan makePlan(Op op, const Dims &d, int activation, float alpha, bool bias) {
  Plan plan;
  plan.srcMd = plain(d.src(), tag::nhwc);
  plan.dstMd = plain(d.dst(), tag::nhwc);
  plan.userWeightsMd = plain(d.weights(), tag::hwio);
  plan.hasBias = bias;
  dnnl::primitive_attr attr = userScratchpad();
  if (op == FORWARD) {
    if (activation != LINEAR) {
      dnnl::post_ops ops;
      switch (activation) {
        case RELU: ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); break;
        case RELU6: ops.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f); break;
        case LEAKY_RELU: ops.append_eltwise(1.f, algorithm::eltwise_relu, alpha, 0.f); break;
        case ELU: ops.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f); break;
        case SIGMOID: ops.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); break;
        default: throw JsError("forward convolution: unknown activation code " + std::to_string(activation));
      }
      attr.set_post_ops(ops);
    }
    auto pd = forwardDesc(d, plan.srcMd, plan.dstMd, bias, attr, dnnl::prop_kind::forward_inference);
    plan.conv = dnnl::convolution_forward(pd);
    plan.impl = pd.impl_info_str();
    plan.scratchpadMd = pd.scratchpad_desc();
    attachWeights(plan, pd.weights_desc(), true);
  } else if (op == BACKWARD_DATA) {
    auto hint = forwardDesc(d, plan.srcMd, plan.dstMd, false, dnnl::primitive_attr(), dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_data::desc desc(algorithm::convolution_direct, plan.srcMd, plain(d.weights(), tag::any), plan.dstMd,
                                               d.strides(), d.dilates(), d.padL(), d.padR());
    dnnl::convolution_backward_data::primitive_desc pd(desc, attr, cpu(), hint);
    plan.conv = dnnl::convolution_backward_data(pd);
    plan.impl = pd.impl_info_str();
    plan.scratchpadMd = pd.scratchpad_desc();
    attachWeights(plan, pd.weights_desc(), true);
  } else {
    auto hint = forwardDesc(d, plan.srcMd, plan.dstMd, false, dnnl::primitive_attr(), dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_weights::desc desc(algorithm::convolution_direct, plan.srcMd, plain(d.weights(), tag::any), plan.dstMd,
                                                  d.strides(), d.dilates(), d.padL(), d.padR());
    dnnl::convolution_backward_weights::primitive_desc pd(desc, attr, cpu(), hint);
    plan.conv = dnnl::convolution_backward_weights(pd);
    plan.impl = pd.impl_info_str();
    plan.scratchpadMd = pd.scratchpad_desc();
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
  key.push_back(omp_get_max_threads());
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  return plans.emplace(key, makePlan(op, d, activation, alpha, bias)).first->second;
}

// --- Strided 1×1 convolutions -------------------------------------------------
// A 1×1 convolution with a stride above 1 reads one pixel per output pixel:
// it is the unit-stride, unpadded 1×1 convolution of the pixels it reads
// (zeros where a read falls in the padding). Its gradient with respect to x
// goes back to those pixels; every other pixel's gradient is 0.

bool isStridedPointwise(const Dims &d) { return d.v[KH] == 1 && d.v[KW] == 1 && (d.v[SH] > 1 || d.v[SW] > 1); }

// The unit-stride convolution over the read pixels: an input of the output's size.
Dims unitStride(const Dims &d) {
  Dims u = d;
  u.v[IH] = d.v[OH];
  u.v[IW] = d.v[OW];
  u.v[SH] = u.v[SW] = u.v[DH] = u.v[DW] = 1;
  u.v[PT] = u.v[PL] = u.v[PB] = u.v[PR] = 0;
  return u;
}

// Calls visit(offset in x, offset in the read pixels) for each read pixel
// that falls inside x (pixels read from the padding are skipped).
template <typename Visit>
void forEachReadPixel(const Dims &d, Visit visit) {
  const int64_t c = d.v[CI];
  for (int64_t n = 0; n < d.v[N]; n++) {
    for (int64_t oy = 0; oy < d.v[OH]; oy++) {
      const int64_t iy = oy * d.v[SH] - d.v[PT];
      for (int64_t ox = 0; ox < d.v[OW]; ox++) {
        const int64_t ix = ox * d.v[SW] - d.v[PL];
        if (iy >= 0 && iy < d.v[IH] && ix >= 0 && ix < d.v[IW]) visit(((n * d.v[IH] + iy) * d.v[IW] + ix) * c, ((n * d.v[OH] + oy) * d.v[OW] + ox) * c);
      }
    }
  }
}

std::vector<float> gatherReadPixels(const float *x, const Dims &d) {
  std::vector<float> read(static_cast<size_t>(d.v[N] * d.v[OH] * d.v[OW] * d.v[CI]), 0.f);
  forEachReadPixel(d, [&](int64_t in, int64_t at) { std::copy(x + in, x + in + d.v[CI], read.data() + at); });
  return read;
}

void scatterReadPixels(const float *read, const Dims &d, float *dx) {
  std::fill(dx, dx + d.v[N] * d.v[IH] * d.v[IW] * d.v[CI], 0.f);
  forEachReadPixel(d, [&](int64_t in, int64_t at) { std::copy(read + at, read + at + d.v[CI], dx + in); });
}

// --- Running planned convolutions ----------------------------------------------

// Runs a planned convolution on the kit's scratchpad and waits for it.
void runConv(Plan &plan, std::unordered_map<int, memory> args) {
  const size_t scratch = plan.scratchpadMd.get_size();
  if (scratch > 0) args.emplace(DNNL_ARG_SCRATCHPAD, memory(plan.scratchpadMd, cpu(), scratchpad().end(scratch)));
  plan.conv.execute(cpuStream(), args);
  cpuStream().wait();
}

// The filter as a forward or backward-data convolution reads it: the caller's
// HWIO array, or oneDNN's layout of it, reordered now or kept from an
// earlier call with the same key (key < 0: never kept).
memory filterInput(Plan &plan, float *w, double key) {
  memory user(plan.userWeightsMd, cpu(), w);
  if (!plan.reorderWeights) return user;
  if (key < 0) {
    plan.weightsReorder.execute(cpuStream(), user, *plan.weightsBuffer);
    return *plan.weightsBuffer;
  }
  auto &kept = plan.reordered;
  for (ReorderedFilter &f : kept) {
    if (f.key == key && f.from == w) {
      f.lastUse = ++filterClock;
      return *f.buffer;
    }
  }
  if (kept.empty()) plansWithFilters.push_back(&plan);
  if (kept.size() < REORDERED_FILTERS_PER_PLAN) {
    kept.emplace_back();
    kept.back().buffer = std::make_unique<memory>(plan.weightsMd, cpu());
  }
  ReorderedFilter &slot = *std::min_element(kept.begin(), kept.end(), [](const ReorderedFilter &a, const ReorderedFilter &b) { return a.lastUse < b.lastUse; });
  plan.weightsReorder.execute(cpuStream(), user, *slot.buffer);
  slot.key = key;
  slot.from = w;
  slot.lastUse = ++filterClock;
  return *slot.buffer;
}

// Forgets every kept filter (the caller's keys start over, e.g. a new tfjs backend).
void clearReorderedFilters() {
  for (Plan *plan : plansWithFilters) plan->reordered.clear();
  plansWithFilters.clear();
}

void convForward(const Dims &d, float *x, float *w, float *b, float *y, int activation, float alpha, double filterKey) {
  if (isStridedPointwise(d)) {
    std::vector<float> read = gatherReadPixels(x, d);
    return convForward(unitStride(d), read.data(), w, b, y, activation, alpha, filterKey);
  }
  Plan &plan = planFor(FORWARD, d, activation, alpha, b != nullptr);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(plan.srcMd, cpu(), x)},
                                       {DNNL_ARG_WEIGHTS, filterInput(plan, w, filterKey)},
                                       {DNNL_ARG_DST, memory(plan.dstMd, cpu(), y)}};
  if (b) args.emplace(DNNL_ARG_BIAS, memory(plain({d.v[CO]}, tag::x), cpu(), b));
  runConv(plan, std::move(args));
}

void convBackwardData(const Dims &d, float *dy, float *w, float *dx, double filterKey) {
  if (isStridedPointwise(d)) {
    std::vector<float> read(static_cast<size_t>(d.v[N] * d.v[OH] * d.v[OW] * d.v[CI]));
    convBackwardData(unitStride(d), dy, w, read.data(), filterKey);
    return scatterReadPixels(read.data(), d, dx);
  }
  Plan &plan = planFor(BACKWARD_DATA, d, LINEAR, 0.f, false);
  runConv(plan, {{DNNL_ARG_DIFF_DST, memory(plan.dstMd, cpu(), dy)},
                 {DNNL_ARG_WEIGHTS, filterInput(plan, w, filterKey)},
                 {DNNL_ARG_DIFF_SRC, memory(plan.srcMd, cpu(), dx)}});
}

void convBackwardWeights(const Dims &d, float *x, float *dy, float *dw) {
  if (isStridedPointwise(d)) {
    std::vector<float> read = gatherReadPixels(x, d);
    return convBackwardWeights(unitStride(d), read.data(), dy, dw);
  }
  Plan &plan = planFor(BACKWARD_WEIGHTS, d, LINEAR, 0.f, false);
  memory user(plan.userWeightsMd, cpu(), dw);
  runConv(plan, {{DNNL_ARG_SRC, memory(plan.srcMd, cpu(), x)},
                 {DNNL_ARG_DIFF_DST, memory(plan.dstMd, cpu(), dy)},
                 {DNNL_ARG_DIFF_WEIGHTS, plan.reorderWeights ? *plan.weightsBuffer : user}});
  if (plan.reorderWeights) {
    plan.weightsReorder.execute(cpuStream(), *plan.weightsBuffer, user);
    cpuStream().wait();
  }
}

// Sum over the rows of an [R, C] matrix (a bias gradient: NHWC summed over
// N, H, W). oneDNN 2.6's reduction primitive takes its slow reference path
// for this shape, so this is a plain loop the compiler vectorises: blocks of
// rows summed in float (in parallel), then the blocks added in double in
// their order, so the bits do not depend on the thread count.
void sumRows(const float *x, float *out, int64_t rows, int64_t cols) {
  constexpr int64_t BLOCK = 64;
  const int64_t blocks = (rows + BLOCK - 1) / BLOCK;
  std::vector<float> parts(static_cast<size_t>(blocks * cols), 0.f);
#pragma omp parallel for schedule(static) if (rows * cols >= PARALLEL_MIN_VALUES)
  for (int64_t b = 0; b < blocks; b++) {
    float *part = parts.data() + b * cols;
    const int64_t r1 = std::min(rows, (b + 1) * BLOCK);
    for (int64_t r = b * BLOCK; r < r1; r++) {
      const float *row = x + r * cols;
      for (int64_t c = 0; c < cols; c++) part[c] += row[c];
    }
  }
  std::vector<double> total(cols, 0.0);
  for (int64_t b = 0; b < blocks; b++)
    for (int64_t c = 0; c < cols; c++) total[c] += parts[b * cols + c];
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
  const auto count = static_cast<int64_t>(n);
#pragma omp parallel for schedule(static) if (count >= PARALLEL_MIN_VALUES)
  for (int64_t i = 0; i < count; i++) {
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
  // Windows overlap within an image, never across images: one image per task.
#pragma omp parallel for schedule(static) if (n * h * w * c >= PARALLEL_MIN_VALUES)
  for (int64_t b = 0; b < n; b++) {
    std::vector<int64_t> taps(static_cast<size_t>(p[P_KH]) * p[P_KW]);
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

// Order of a box array passed from JavaScript: rank, then rank values each of
// the source shape, the source begin, the destination shape, the destination
// begin and the box size.
enum BoxPart { B_SRC_SHAPE, B_SRC_BEGIN, B_DST_SHAPE, B_DST_BEGIN, B_SIZE, BOX_PART_COUNT };
constexpr int32_t MAX_BOX_RANK = 8;

// Copies a box of `size` values per axis from src (at srcBegin) to dst (at
// dstBegin), both row-major: each row of the innermost axis is one memcpy,
// rows in parallel. Slice, SplitV and Concat are such copies.
void copyBox(const float *src, float *dst, int32_t rank, const int64_t (*box)[MAX_BOX_RANK]) {
  const int64_t *size = box[B_SIZE];
  int64_t rows = 1;
  for (int32_t d = 0; d + 1 < rank; d++) rows *= size[d];
  const int64_t rowLength = size[rank - 1];
  int64_t srcStride[MAX_BOX_RANK], dstStride[MAX_BOX_RANK];
  srcStride[rank - 1] = dstStride[rank - 1] = 1;
  for (int32_t d = rank - 2; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1] * box[B_SRC_SHAPE][d + 1];
    dstStride[d] = dstStride[d + 1] * box[B_DST_SHAPE][d + 1];
  }
#pragma omp parallel for schedule(static) if (rows * rowLength >= PARALLEL_MIN_VALUES)
  for (int64_t r = 0; r < rows; r++) {
    int64_t srcAt = box[B_SRC_BEGIN][rank - 1], dstAt = box[B_DST_BEGIN][rank - 1];
    for (int64_t d = rank - 2, rest = r; d >= 0; d--) {
      const int64_t i = rest % size[d];
      rest /= size[d];
      srcAt += (box[B_SRC_BEGIN][d] + i) * srcStride[d];
      dstAt += (box[B_DST_BEGIN][d] + i) * dstStride[d];
    }
    std::memcpy(dst + dstAt, src + srcAt, static_cast<size_t>(rowLength) * sizeof(float));
  }
}

// The gradient of a ReLU from its output y (or its input: same sign): dy times
// tfjs's step of y, 1 above zero, 0 otherwise and NaN for NaN, so the bits
// equal tfjs's mul(dy, step(y)).
void reluGrad(const float *dy, const float *y, float *dx, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN_VALUES)
  for (int64_t i = 0; i < n; i++) {
    const float step = std::isnan(y[i]) ? y[i] : (y[i] > 0.f ? 1.f : 0.f);
    dx[i] = dy[i] * step;
  }
}

// The smallest and largest value of x and how many of its values are NaN
// (min and max over the others; +∞ and −∞ when there are none), written to
// out[0..2]: the kit's range checks of its inputs, in one pass.
void valueSummary(const float *x, int64_t n, float *out) {
  float lo = INFINITY, hi = -INFINITY;
  int64_t nans = 0;
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi) reduction(+ : nans) if (n >= PARALLEL_MIN_VALUES)
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    if (std::isnan(v)) {
      nans++;
    } else {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  out[0] = lo;
  out[1] = hi;
  out[2] = static_cast<float>(nans);
}

// Where position p of the infinite mirror ("reflect") extension of an axis of
// n pixels reads from: x[-k] = x[k], period 2·(n − 1).
int64_t reflectIndex(int64_t p, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  p = std::abs(p) % period;
  return p < n ? p : period - p;
}

// A separable blur of NHWC images with mirror extension: the 1-D kernel
// `weights` (2r + 1 taps, centred) along the rows, then along the columns.
// Each output pixel sums its taps in order, k = −r..r. An axis of one pixel
// is left as it is (constant under mirror extension). Rows (image, row) are
// split among the threads in each pass.
void mirrorBlur(const float *x, float *y, int64_t b, int64_t h, int64_t w, int64_t c, const float *weights, int64_t taps) {
  const int64_t r = taps / 2, rowLength = w * c;
  std::vector<int64_t> fromRow(static_cast<size_t>(h * taps)), fromColumn(static_cast<size_t>(w * taps));
  for (int64_t i = 0; i < h; i++)
    for (int64_t k = 0; k < taps; k++) fromRow[i * taps + k] = reflectIndex(i + k - r, h);
  for (int64_t j = 0; j < w; j++)
    for (int64_t k = 0; k < taps; k++) fromColumn[j * taps + k] = reflectIndex(j + k - r, w);
  std::vector<float> along(static_cast<size_t>(b * h * rowLength));
  const bool parallel = b * h * rowLength * taps >= PARALLEL_MIN_VALUES;
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t row = 0; row < b * h; row++) {
    const int64_t image = row / h, i = row % h;
    float *out = along.data() + row * rowLength;
    if (h == 1) {
      std::copy(x + row * rowLength, x + (row + 1) * rowLength, out);
      continue;
    }
    std::fill(out, out + rowLength, 0.f);
    for (int64_t k = 0; k < taps; k++) {
      const float *in = x + (image * h + fromRow[i * taps + k]) * rowLength;
      const float wk = weights[k];
      for (int64_t v = 0; v < rowLength; v++) out[v] += wk * in[v];
    }
  }
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t row = 0; row < b * h; row++) {
    const float *in = along.data() + row * rowLength;
    float *out = y + row * rowLength;
    if (w == 1) {
      std::copy(in, in + rowLength, out);
      continue;
    }
    for (int64_t j = 0; j < w; j++) {
      float *pixel = out + j * c;
      std::fill(pixel, pixel + c, 0.f);
      for (int64_t k = 0; k < taps; k++) {
        const float *from = in + fromColumn[j * taps + k] * c;
        const float wk = weights[k];
        for (int64_t ch = 0; ch < c; ch++) pixel[ch] += wk * from[ch];
      }
    }
  }
}

// --- Node-API glue ----------------------------------------------------------

void check(napi_env env, napi_status status, const char *what) {
  if (status != napi_ok) throw JsError(std::string("wasm-heap-kernels: ") + what);
}

// A typed array's data and length; throws naming the kernel and argument unless it is a typed array of type `want`.
std::pair<void *, size_t> typedArray(napi_env env, napi_value value, napi_typedarray_type want, const std::string &where, const char *name,
                                     const char *typeName) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = nullptr;
  napi_value buffer;
  size_t offset;
  bool isTyped = false;
  check(env, napi_is_typedarray(env, value, &isTyped), "napi_is_typedarray");
  if (isTyped) check(env, napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset), "napi_get_typedarray_info");
  if (!isTyped || type != want) throw JsError(where + ": " + name + " must be a " + typeName);
  return {data, length};
}

// A Float32Array argument of exactly `expected` values; throws naming the kernel, the argument and both lengths otherwise.
float *floats(napi_env env, napi_value value, int64_t expected, const std::string &where, const char *name) {
  auto [data, length] = typedArray(env, value, napi_float32_array, where, name, "Float32Array");
  if (static_cast<int64_t>(length) != expected) {
    throw JsError(where + ": " + name + " has " + std::to_string(length) + " values, the shape needs " + std::to_string(expected));
  }
  return static_cast<float *>(data);
}

const int32_t *ints(napi_env env, napi_value value, size_t expected, const std::string &where, const char *name) {
  auto [data, length] = typedArray(env, value, napi_int32_array, where, name, "Int32Array");
  if (length != expected) throw JsError(where + ": " + name + " must be an Int32Array of " + std::to_string(expected) + " values");
  return static_cast<const int32_t *>(data);
}

// An array argument after its checks: where it lies, for the overlap check.
struct Array {
  const char *name;
  const float *data;
  int64_t size;
};

// Throws naming both arrays when an output shares memory with another argument (a kernel reads its inputs while writing).
void checkDisjoint(const std::string &where, std::initializer_list<Array> outputs, std::initializer_list<Array> inputs) {
  auto overlap = [](const Array &a, const Array &b) { return a.data < b.data + b.size && b.data < a.data + a.size; };
  for (auto out = outputs.begin(); out != outputs.end(); ++out) {
    for (const Array &in : inputs) {
      if (in.data && overlap(*out, in)) throw JsError(where + ": output " + out->name + " shares memory with " + in.name);
    }
    for (auto other = std::next(out); other != outputs.end(); ++other) {
      if (overlap(*out, *other)) throw JsError(where + ": outputs " + out->name + " and " + other->name + " share memory");
    }
  }
}

// The length of an element-wise kernel's first array, which every other
// array must have, and the kernel's description for errors ("Adam update (n values)").
std::pair<int64_t, std::string> elementwiseLength(napi_env env, napi_value first, const char *kernel, const char *name) {
  const size_t n = typedArray(env, first, napi_float32_array, kernel, name, "Float32Array").second;
  return {static_cast<int64_t>(n), std::string(kernel) + " (" + std::to_string(n) + " values)"};
}

Dims readDims(napi_env env, napi_value value, const char *kernel) {
  const int32_t *v = ints(env, value, DIM_COUNT, kernel, "dims");
  Dims d;
  for (int i = 0; i < DIM_COUNT; i++) d.v[i] = v[i];
  validate(kernel, d);
  return d;
}

template <size_t Count>
void readArgs(napi_env env, napi_callback_info info, napi_value (&args)[Count], const char *kernel) {
  size_t argc = Count;
  check(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr), "napi_get_cb_info");
  if (argc != Count) throw JsError(std::string(kernel) + ": expected " + std::to_string(Count) + " arguments, got " + std::to_string(argc));
}

// Like readArgs, with the last argument optional (undefined when missing).
template <size_t Count>
void readArgsLastOptional(napi_env env, napi_callback_info info, napi_value (&args)[Count], const char *kernel) {
  size_t argc = Count;
  check(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr), "napi_get_cb_info");
  if (argc != Count && argc != Count - 1)
    throw JsError(std::string(kernel) + ": expected " + std::to_string(Count - 1) + " or " + std::to_string(Count) + " arguments, got " + std::to_string(argc));
  if (argc == Count - 1) check(env, napi_get_undefined(env, &args[Count - 1]), "napi_get_undefined");
}

// The optional filter key of a convolution: undefined or a number below 0 keeps no filter.
double readFilterKey(napi_env env, napi_value value, const std::string &where) {
  napi_valuetype type;
  check(env, napi_typeof(env, value, &type), "napi_typeof");
  if (type == napi_undefined) return -1;
  double key = -1;
  if (type != napi_number) throw JsError(where + ": filterKey must be a number");
  check(env, napi_get_value_double(env, value, &key), "filterKey must be a number");
  if (!std::isfinite(key)) throw JsError(where + ": filterKey must be a finite number");
  return key;
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

napi_value Forward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[8];
    readArgsLastOptional(env, info, a, OP_NAMES[FORWARD]);
    const Dims d = readDims(env, a[4], OP_NAMES[FORWARD]);
    const std::string where = std::string(OP_NAMES[FORWARD]) + " (" + describe(d) + ")";
    int32_t activation;
    double alpha;
    check(env, napi_get_value_int32(env, a[5], &activation), "activation must be a number");
    check(env, napi_get_value_double(env, a[6], &alpha), "alpha must be a number");
    if (activation < LINEAR || activation > SIGMOID) throw JsError(where + ": unknown activation code " + std::to_string(activation));
    napi_valuetype biasType;
    check(env, napi_typeof(env, a[2], &biasType), "napi_typeof");
    const bool bias = biasType != napi_null && biasType != napi_undefined;
    const Array x{"x", floats(env, a[0], srcSize(d, where), where, "x"), srcSize(d, where)};
    const Array w{"filter", floats(env, a[1], weightsSize(d, where), where, "filter"), weightsSize(d, where)};
    const Array b{"bias", bias ? floats(env, a[2], d.v[CO], where, "bias") : nullptr, d.v[CO]};
    const Array y{"y", floats(env, a[3], dstSize(d, where), where, "y"), dstSize(d, where)};
    checkDisjoint(where, {y}, {x, w, b});
    convForward(d, const_cast<float *>(x.data), const_cast<float *>(w.data), const_cast<float *>(b.data), const_cast<float *>(y.data), activation,
                static_cast<float>(alpha), readFilterKey(env, a[7], where));
    return nullptr;
  });
}

napi_value BackwardData(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    readArgsLastOptional(env, info, a, OP_NAMES[BACKWARD_DATA]);
    const Dims d = readDims(env, a[3], OP_NAMES[BACKWARD_DATA]);
    const std::string where = std::string(OP_NAMES[BACKWARD_DATA]) + " (" + describe(d) + ")";
    const Array dy{"dy", floats(env, a[0], dstSize(d, where), where, "dy"), dstSize(d, where)};
    const Array w{"filter", floats(env, a[1], weightsSize(d, where), where, "filter"), weightsSize(d, where)};
    const Array dx{"dx", floats(env, a[2], srcSize(d, where), where, "dx"), srcSize(d, where)};
    checkDisjoint(where, {dx}, {dy, w});
    convBackwardData(d, const_cast<float *>(dy.data), const_cast<float *>(w.data), const_cast<float *>(dx.data), readFilterKey(env, a[4], where));
    return nullptr;
  });
}

napi_value BackwardWeights(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    readArgs(env, info, a, OP_NAMES[BACKWARD_WEIGHTS]);
    const Dims d = readDims(env, a[3], OP_NAMES[BACKWARD_WEIGHTS]);
    const std::string where = std::string(OP_NAMES[BACKWARD_WEIGHTS]) + " (" + describe(d) + ")";
    const Array x{"x", floats(env, a[0], srcSize(d, where), where, "x"), srcSize(d, where)};
    const Array dy{"dy", floats(env, a[1], dstSize(d, where), where, "dy"), dstSize(d, where)};
    const Array dw{"dw", floats(env, a[2], weightsSize(d, where), where, "dw"), weightsSize(d, where)};
    checkDisjoint(where, {dw}, {x, dy});
    convBackwardWeights(d, const_cast<float *>(x.data), const_cast<float *>(dy.data), const_cast<float *>(dw.data));
    return nullptr;
  });
}

napi_value SumRows(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    readArgs(env, info, a, "row sum");
    int32_t rows, cols;
    check(env, napi_get_value_int32(env, a[2], &rows), "rows must be a number");
    check(env, napi_get_value_int32(env, a[3], &cols), "cols must be a number");
    const std::string where = "row sum (rows " + std::to_string(rows) + ", cols " + std::to_string(cols) + ")";
    if (rows < 1 || cols < 1) throw JsError(where + ": rows and cols must be at least 1");
    const Array x{"x", floats(env, a[0], product({rows, cols}, where), where, "x"), product({rows, cols}, where)};
    const Array out{"out", floats(env, a[1], cols, where, "out"), cols};
    checkDisjoint(where, {out}, {x});
    sumRows(x.data, const_cast<float *>(out.data), rows, cols);
    return nullptr;
  });
}

napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    readArgs(env, info, a, "max-pool gradient");
    const int32_t *p = ints(env, a[4], POOL_DIM_COUNT, "max-pool gradient", "poolDims");
    std::ostringstream shape;
    shape << "max-pool gradient (x [" << p[P_N] << ", " << p[P_H] << ", " << p[P_W] << ", " << p[P_C] << "], window " << p[P_KH] << "x" << p[P_KW]
          << ", strides " << p[P_SH] << "x" << p[P_SW] << ", y [" << p[P_N] << ", " << p[P_OH] << ", " << p[P_OW] << ", " << p[P_C] << "], pads "
          << p[P_TOP] << " " << p[P_LEFT] << ")";
    const std::string where = shape.str();
    for (int i = P_N; i <= P_OW; i++) {
      if (p[i] < 1) throw JsError(where + ": sizes, window and strides must be at least 1");
    }
    if (p[P_TOP] < 0 || p[P_LEFT] < 0) throw JsError(where + ": pads must be at least 0");
    const int64_t in = product({p[P_N], p[P_H], p[P_W], p[P_C]}, where);
    const int64_t out = product({p[P_N], p[P_OH], p[P_OW], p[P_C]}, where);
    const Array x{"x", floats(env, a[0], in, where, "x"), in};
    const Array y{"y", floats(env, a[1], out, where, "y"), out};
    const Array dy{"dy", floats(env, a[2], out, where, "dy"), out};
    const Array dx{"dx", floats(env, a[3], in, where, "dx"), in};
    checkDisjoint(where, {dx}, {x, y, dy});
    maxPoolGrad(x.data, y.data, dy.data, const_cast<float *>(dx.data), p);
    return nullptr;
  });
}

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[8];
    readArgs(env, info, a, "Adam update");
    const auto [size, where] = elementwiseLength(env, a[0], "Adam update", "value");
    const char *names[7] = {"value", "gradient", "m", "v", "new value", "new m", "new v"};
    float *t[7];
    for (int i = 0; i < 7; i++) t[i] = floats(env, a[i], size, where, names[i]);
    checkDisjoint(where, {{names[4], t[4], size}, {names[5], t[5], size}, {names[6], t[6], size}},
                  {{names[0], t[0], size}, {names[1], t[1], size}, {names[2], t[2], size}, {names[3], t[3], size}});
    auto [params, count] = typedArray(env, a[7], napi_float64_array, where, "params", "Float64Array");
    if (count != ADAM_PARAM_COUNT) throw JsError(where + ": params must hold 6 values: learning rate, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t");
    adamUpdate(t[0], t[1], t[2], t[3], t[4], t[5], t[6], static_cast<size_t>(size), static_cast<const double *>(params));
    return nullptr;
  });
}

napi_value CopyBox(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[3];
    readArgs(env, info, a, "box copy");
    auto [raw, length] = typedArray(env, a[2], napi_int32_array, "box copy", "box", "Int32Array");
    const auto *v = static_cast<const int32_t *>(raw);
    const int32_t rank = length > 0 ? v[0] : 0;
    if (rank < 1 || rank > MAX_BOX_RANK || length != static_cast<size_t>(1 + BOX_PART_COUNT * rank))
      throw JsError("box copy: box must hold the rank (1 to " + std::to_string(MAX_BOX_RANK) + ") and then 5 values per axis");
    int64_t box[BOX_PART_COUNT][MAX_BOX_RANK];
    std::ostringstream shape;
    const char *partNames[BOX_PART_COUNT] = {"source shape", "source begin", "destination shape", "destination begin", "size"};
    shape << "box copy (";
    for (int part = 0; part < BOX_PART_COUNT; part++) {
      shape << (part ? ", " : "") << partNames[part] << " [";
      for (int32_t d = 0; d < rank; d++) {
        box[part][d] = v[1 + part * rank + d];
        shape << (d ? ", " : "") << box[part][d];
      }
      shape << "]";
    }
    shape << ")";
    const std::string where = shape.str();
    int64_t srcSize = 1, dstSize = 1;
    for (int32_t d = 0; d < rank; d++) {
      if (box[B_SRC_SHAPE][d] < 1 || box[B_DST_SHAPE][d] < 1 || box[B_SIZE][d] < 1) throw JsError(where + ": shapes and size must be at least 1");
      if (box[B_SRC_BEGIN][d] < 0 || box[B_DST_BEGIN][d] < 0) throw JsError(where + ": begins must be at least 0");
      if (box[B_SRC_BEGIN][d] + box[B_SIZE][d] > box[B_SRC_SHAPE][d] || box[B_DST_BEGIN][d] + box[B_SIZE][d] > box[B_DST_SHAPE][d])
        throw JsError(where + ": the box leaves the source or the destination on axis " + std::to_string(d));
      srcSize = product({srcSize, box[B_SRC_SHAPE][d]}, where);
      dstSize = product({dstSize, box[B_DST_SHAPE][d]}, where);
    }
    const Array src{"source", floats(env, a[0], srcSize, where, "source"), srcSize};
    const Array dst{"destination", floats(env, a[1], dstSize, where, "destination"), dstSize};
    checkDisjoint(where, {dst}, {src});
    copyBox(src.data, const_cast<float *>(dst.data), rank, box);
    return nullptr;
  });
}

napi_value ReluGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[3];
    readArgs(env, info, a, "ReLU gradient");
    const auto [size, where] = elementwiseLength(env, a[0], "ReLU gradient", "dy");
    const Array dy{"dy", floats(env, a[0], size, where, "dy"), size};
    const Array y{"y", floats(env, a[1], size, where, "y"), size};
    const Array dx{"dx", floats(env, a[2], size, where, "dx"), size};
    checkDisjoint(where, {dx}, {dy, y});
    reluGrad(dy.data, y.data, const_cast<float *>(dx.data), size);
    return nullptr;
  });
}

napi_value ValueSummary(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[2];
    readArgs(env, info, a, "value summary");
    const auto [size, where] = elementwiseLength(env, a[0], "value summary", "x");
    const Array x{"x", floats(env, a[0], size, where, "x"), size};
    const Array out{"out", floats(env, a[1], 3, where, "out"), 3};
    checkDisjoint(where, {out}, {x});
    valueSummary(x.data, size, const_cast<float *>(out.data));
    return nullptr;
  });
}

napi_value MirrorBlur(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    readArgs(env, info, a, "mirror blur");
    const int32_t *shape = ints(env, a[3], 4, "mirror blur", "shape");
    auto [raw, taps] = typedArray(env, a[2], napi_float32_array, "mirror blur", "weights", "Float32Array");
    std::ostringstream described;
    described << "mirror blur (x [" << shape[0] << ", " << shape[1] << ", " << shape[2] << ", " << shape[3] << "], " << taps << " taps)";
    const std::string where = described.str();
    for (int i = 0; i < 4; i++) {
      if (shape[i] < 1) throw JsError(where + ": every size must be at least 1");
    }
    if (taps % 2 != 1) throw JsError(where + ": the kernel must have an odd number of taps");
    const int64_t size = product({shape[0], shape[1], shape[2], shape[3]}, where);
    const Array x{"x", floats(env, a[0], size, where, "x"), size};
    const Array y{"y", floats(env, a[1], size, where, "y"), size};
    const Array weights{"weights", static_cast<const float *>(raw), static_cast<int64_t>(taps)};
    checkDisjoint(where, {y}, {x, weights});
    mirrorBlur(x.data, const_cast<float *>(y.data), shape[0], shape[1], shape[2], shape[3], weights.data, static_cast<int64_t>(taps));
    return nullptr;
  });
}

napi_value ClearFilters(napi_env env, napi_callback_info) {
  return guarded(env, [&]() -> napi_value {
    clearReorderedFilters();
    return nullptr;
  });
}

napi_value Implementation(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[2];
    readArgs(env, info, a, "implementation");
    int32_t op;
    check(env, napi_get_value_int32(env, a[0], &op), "op must be a number");
    if (op < FORWARD || op > BACKWARD_WEIGHTS) throw JsError("implementation: op must be 0 (forward), 1 (backward data) or 2 (backward weights)");
    const Dims d = readDims(env, a[1], OP_NAMES[op]);
    const bool reduced = isStridedPointwise(d);
    std::string impl = planFor(static_cast<Op>(op), reduced ? unitStride(d) : d, LINEAR, 0.f, false).impl;
    if (reduced) impl = "unit stride on the read pixels, " + impl;
    napi_value result;
    check(env, napi_create_string_utf8(env, impl.c_str(), impl.size(), &result), "napi_create_string_utf8");
    return result;
  });
}

// The most threads setThreads accepts: far above any machine the kit runs on,
// low enough that a wrong number fails here rather than in OpenMP.
constexpr int32_t MAX_THREADS = 1024;

napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[1];
    readArgs(env, info, a, "setThreads");
    double asNumber = 0;
    check(env, napi_get_value_double(env, a[0], &asNumber), "setThreads: the thread count must be a number");
    if (!(asNumber >= 1 && asNumber <= MAX_THREADS && asNumber == static_cast<int32_t>(asNumber)))
      throw JsError("setThreads: the thread count must be an integer from 1 to " + std::to_string(MAX_THREADS));
    omp_set_num_threads(static_cast<int32_t>(asNumber));
    return nullptr;
  });
}

napi_value Threads(napi_env env, napi_callback_info) {
  return guarded(env, [&]() -> napi_value {
    napi_value result;
    check(env, napi_create_int32(env, omp_get_max_threads(), &result), "napi_create_int32");
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
      {"clearFilters", nullptr, ClearFilters, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"copyBox", nullptr, CopyBox, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGrad", nullptr, ReluGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mirrorBlur", nullptr, MirrorBlur, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"valueSummary", nullptr, ValueSummary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"implementation", nullptr, Implementation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
