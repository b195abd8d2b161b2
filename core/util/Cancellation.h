#pragma once
// A cancel flag shared between the thread that runs a long operation and the one that may stop it
// (GUI cancel button, Ctrl-C handler). Cheap to poll.
#include <atomic>

namespace exemplar {

class CancelFlag {
public:
    void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
    bool isCancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }
    void reset() noexcept { cancelled_.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> cancelled_{false};
};

} // namespace exemplar
