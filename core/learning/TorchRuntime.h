#pragma once
// Process-wide settings every libtorch user in Exemplar needs before heavy tensor work.

namespace exemplar::learning {

// Sets libtorch's intra-op thread count (threads <= 0: all cores; libtorch here defaults to ONE
// thread) and, once per process, keeps freed tensor memory inside the process (see the .cpp).
void configureTorchRuntime(int threads);

} // namespace exemplar::learning
