#include "ui/ClassColors.h"

#include <array>

namespace exemplar::ui {

QColor classColor(int position)
{
    // Tableau-10: distinguishable and colour-blind friendlier than hue stepping.
    static constexpr std::array<QRgb, 10> palette{0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                                                  0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};
    const int n = static_cast<int>(palette.size());
    return QColor(palette[static_cast<size_t>(((position % n) + n) % n)]);
}

QColor textColorOn(const QColor& background)
{
    const double luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF();
    return luminance > 0.6 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace exemplar::ui
