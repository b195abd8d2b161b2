#include "core/learning/TorchRuntime.h"

#include <ATen/Parallel.h>
#include <malloc.h>

#include <algorithm>
#include <mutex>
#include <thread>

namespace exemplar::learning {

namespace {

// Why: libtorch's CPU allocator is plain malloc. glibc serves blocks above its mmap threshold
// (at most 32 MB by default: one 64x32x64x64 float activation is 33 MB) with fresh mmap()s and
// trims the heap top on free, so every forward pass page-faults its activations in again. On this
// VM that cost 10x the arithmetic: the first conv layer of the compact net took 182 ms per batch
// of 64 instead of 2.3 ms (/tmp profiling, Nov 2026). Raising the thresholds makes glibc reuse
// the memory; the price is that the process keeps its peak heap until it exits.
void keepTensorMemoryInProcess()
{
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
}

} // namespace

void configureTorchRuntime(int threads)
{
    static std::once_flag allocatorTuned;
    std::call_once(allocatorTuned, keepTensorMemoryInProcess);
    at::set_num_threads(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())));
}

} // namespace exemplar::learning
