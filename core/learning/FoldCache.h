#pragma once
// Work the fold models of one cross-validation (OutOfFold) would otherwise repeat: every face is
// decoded once for all folds, and when the folds leave a pretrained model as it is (one-pass fits,
// TrainingConfig::backboneFit class_biases / linear_head) it scores every face once, instead of
// once per fold in training, validation and held-out scoring (~6 times with 5 folds; on faces-dev
// ~80% of a class-bias review); a teacher model (distillation) labels every face once. Torch-free:
// the state lives in the learning library.
#include <memory>

namespace exemplar::learning {

class FoldCache {
public:
    FoldCache();
    ~FoldCache();
    FoldCache(const FoldCache&) = delete;
    FoldCache& operator=(const FoldCache&) = delete;

    int facesDecoded() const; // images decoded (or found unreadable) so far, each once
    int facesScored() const;  // faces the pretrained model scored so far, each once
    int facesTaught() const;  // faces a teacher model labelled so far (distillation), each once per teacher

    struct State; // internal/FoldCacheState.h
    State& state() { return *d_; }

private:
    std::unique_ptr<State> d_;
};

} // namespace exemplar::learning
