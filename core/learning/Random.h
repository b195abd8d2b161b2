#pragma once
// A seeded generator whose sequences are the same with every standard library: std::shuffle and
// std::uniform_int_distribution are implementation-defined, and stored splits must be
// reproducible from their seed anywhere.
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace exemplar::learning {

class SplitRng {
public:
    explicit SplitRng(std::uint64_t seed) : engine_(seed) {}

    // Uniform in [0, n); modulo bias is below 2^-40 for the sizes used here.
    std::uint64_t below(std::uint64_t n) { return n ? engine_() % n : 0; }
    double unit() { return double(engine_() >> 11) * (1.0 / 9007199254740992.0); }

    template <typename T> void shuffle(std::vector<T>& v)
    {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
    }

private:
    std::mt19937_64 engine_;
};

} // namespace exemplar::learning
