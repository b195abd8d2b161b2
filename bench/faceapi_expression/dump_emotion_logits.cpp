// Exploration for #8 (see compare.py): the emotion model's logits over the nine test-time views
// from bench_frozen_heads' cache (bench_frozen_heads expression6 0 model writes
// $TMPDIR/exemplar-frozen-views2-emotion-expression6-model-5575.pt) as raw float32 [N][7].
//   g++ -O1 dump_emotion_logits.cpp -o dump_emotion_logits -I/usr/include/torch/csrc/api/include -ltorch -ltorch_cpu -lc10
//   ./dump_emotion_logits /tmp/exemplar-frozen-views2-emotion-expression6-model-5575.pt emo6.f32
#include <torch/torch.h>
#include <fstream>
int main(int, char** argv) {
  std::vector<torch::Tensor> saved; torch::load(saved, argv[1]);
  auto t = saved[2].contiguous().to(torch::kFloat);
  std::ofstream(argv[2], std::ios::binary).write((const char*)t.data_ptr<float>(), t.numel() * 4);
  printf("%ld x %ld\n", t.size(0), t.size(1));
}
