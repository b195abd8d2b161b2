// Exploration for #8 (see run.js): faces-dev images, padded to a square with black as face-api
// pads them, resized to 112x112 (OpenCV bilinear, not TF.js's), RGB uint8, one file.
#include <opencv2/opencv.hpp>
#include <fstream>
#include <iostream>
#include <string>
int main(int argc, char** argv) {
  std::ifstream list(argv[1]); std::ofstream out(argv[2], std::ios::binary); std::string dir = argv[3];
  std::string line; int n = 0;
  while (std::getline(list, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    cv::Mat m = cv::imread(dir + "/" + line, cv::IMREAD_COLOR);
    if (m.empty()) { std::cerr << "bad " << line << "\n"; return 1; }
    int side = std::max(m.rows, m.cols);
    int top = (side - m.rows) / 2, left = (side - m.cols) / 2;
    cv::Mat sq; cv::copyMakeBorder(m, sq, top, side - m.rows - top, left, side - m.cols - left, cv::BORDER_CONSTANT, cv::Scalar(0,0,0));
    cv::Mat r; cv::resize(sq, r, cv::Size(112, 112), 0, 0, cv::INTER_LINEAR);
    cv::cvtColor(r, r, cv::COLOR_BGR2RGB);
    out.write(reinterpret_cast<const char*>(r.data), 112 * 112 * 3); ++n;
  }
  std::cerr << n << " images\n";
}
