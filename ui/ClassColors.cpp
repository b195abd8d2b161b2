#include "ui/ClassColors.h"

#include <QCryptographicHash>
#include <QSet>
#include <algorithm>
#include <array>

namespace exemplar::ui {

namespace {

// Expression colours follow the Okabe-Ito palette (Okabe & Ito, "Color Universal Design"), which
// stays distinguishable under protanopia, deuteranopia and tritanopia; its hues carry the usual
// meanings (warm orange for happiness, blue sadness, vermillion anger, reddish purple surprise,
// bluish green fear). Disgust is a dark olive and neutral a light grey, the lightness of each picked
// so that they stay apart from anger and surprise under simulated colour-vision deficiencies
// (Machado et al. 2009), where a mid olive and vermillion, or mid grey and purple, merge. The sexes use Paul Tol's "muted" teal and sand: far apart for
// every vision type and neither the stereotyped pink nor blue.
struct Known {
    const char* names; // '|'-separated, lower case
    QRgb colour;
};
constexpr std::array<Known, 10> kKnown{{
    {"happiness|happy|joy|smile|smiling", 0xE69F00},
    {"sadness|sad", 0x0072B2},
    {"anger|angry", 0xD55E00},
    {"surprise|surprised", 0xCC79A7},
    {"fear|fearful|scared|afraid", 0x009E73},
    {"disgust|disgusted", 0x5C5C14},
    {"neutral|calm|none", 0xBBBBBB},
    {"contempt|contemptuous", 0x56B4E9},
    {"female|woman|women|f", 0x44AA99},
    {"male|man|men|m", 0xDDCC77},
}};

// Other names: Paul Tol's "muted" qualitative palette (colour-blind safe), without its pale grey,
// which reads as "no colour", plus Okabe-Ito's yellow and black-ish blue for tasks with many classes.
constexpr std::array<QRgb, 11> kPalette{0x332288, 0x88CCEE, 0x44AA99, 0x117733, 0x999933, 0xDDCC77,
                                        0xCC6677, 0x882255, 0xAA4499, 0xF0E442, 0x1F3A5F};

// Stable across runs, platforms and Qt versions (qHash is seeded per process).
int paletteSlot(const QString& className)
{
    const QByteArray digest =
        QCryptographicHash::hash(className.trimmed().toLower().toUtf8(), QCryptographicHash::Sha1);
    const quint32 h = (quint32(quint8(digest[0])) << 24) | (quint32(quint8(digest[1])) << 16)
                      | (quint32(quint8(digest[2])) << 8) | quint32(quint8(digest[3]));
    return static_cast<int>(h % kPalette.size());
}

} // namespace

std::optional<QColor> knownClassColour(const QString& className)
{
    const QString key = className.trimmed().toLower();
    for (const Known& k : kKnown)
        if (QString::fromLatin1(k.names).split(QLatin1Char('|')).contains(key))
            return QColor(k.colour);
    return std::nullopt;
}

QHash<qint64, QColor> classColours(const TaskInfo& task, const QHash<qint64, quint32>& stored)
{
    QHash<qint64, QColor> out;
    QSet<QRgb> taken;
    QVector<ClassInfo> rest;
    for (const ClassInfo& c : task.classes) {
        std::optional<QColor> colour;
        if (const auto it = stored.constFind(c.id); it != stored.constEnd())
            colour = QColor(QRgb(*it));
        else
            colour = knownClassColour(c.name);
        if (colour) {
            out.insert(c.id, *colour);
            taken.insert(colour->rgb() & 0xFFFFFF);
        } else {
            rest.push_back(c);
        }
    }
    // Creation order, not task order: moving a class up or down must not swap colours.
    std::sort(rest.begin(), rest.end(), [](const ClassInfo& a, const ClassInfo& b) { return a.id < b.id; });
    const int n = static_cast<int>(kPalette.size());
    for (const ClassInfo& c : rest) {
        const int start = paletteSlot(c.name);
        int slot = start;
        for (int step = 0; step < n && taken.contains(kPalette[static_cast<size_t>(slot)]); ++step)
            slot = (start + step + 1) % n;
        const QRgb rgb = kPalette[static_cast<size_t>(slot)]; // all taken: share the hashed one
        out.insert(c.id, QColor(rgb));
        taken.insert(rgb);
    }
    return out;
}

QColor textColorOn(const QColor& background)
{
    const double luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF();
    return luminance > 0.6 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace exemplar::ui
