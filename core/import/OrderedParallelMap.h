#pragma once
// Runs work(i) for i = 0..n-1 on worker threads and hands the results to consume(i, result) on the
// calling thread IN INDEX ORDER, with at most `window` results computed ahead of the consumer.
//
// Hand-written rather than QtConcurrent::mapped because the core library links Qt Core only and
// because mapped() neither bounds how far the workers run ahead (memory on 10k+ images) nor lets
// the single catalogue-writing thread consume results in order while they are produced.
#include "core/util/Cancellation.h"

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace exemplar {

// `work` must not throw (turn failures into results). `consume` returns false to stop early; an
// exception from `consume` stops the workers and is rethrown. Returns the number of results
// consumed (less than n when stopped or cancelled).
template <class Result>
int orderedParallelMap(int n, int threads, int window, const std::function<Result(int)>& work,
                       const std::function<bool(int, Result&&)>& consume, const CancelFlag* cancel = nullptr)
{
    if (n <= 0) return 0;
    threads = std::max(1, threads);
    window = std::max(window, threads);
    std::mutex mutex;
    std::condition_variable spaceFreed, resultReady;
    std::vector<std::optional<Result>> buffer(static_cast<size_t>(window));
    int next = 0, consumed = 0;
    bool stop = false;

    std::vector<std::thread> workers;
    auto stopAndJoin = [&] {
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        spaceFreed.notify_all();
        for (auto& t : workers)
            if (t.joinable()) t.join();
    };
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (;;) {
                int i;
                {
                    std::unique_lock lock(mutex);
                    spaceFreed.wait(lock, [&] { return stop || next >= n || next < consumed + window; });
                    if (stop || next >= n) return;
                    i = next++;
                }
                Result r = work(i);
                {
                    std::lock_guard lock(mutex);
                    buffer[size_t(i % window)] = std::move(r);
                }
                resultReady.notify_one();
            }
        });
    }
    try {
        for (int i = 0; i < n; ++i) {
            if (cancel && cancel->isCancelled()) break;
            Result r;
            {
                std::unique_lock lock(mutex);
                auto& slot = buffer[size_t(i % window)];
                resultReady.wait(lock, [&] { return slot.has_value(); });
                r = std::move(*slot);
                slot.reset();
                consumed = i + 1;
            }
            spaceFreed.notify_all();
            if (!consume(i, std::move(r))) break;
        }
    } catch (...) {
        stopAndJoin();
        throw;
    }
    stopAndJoin();
    return consumed;
}

} // namespace exemplar
