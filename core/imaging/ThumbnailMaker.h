#pragma once
// Makes the small JPEG thumbnail stored in the catalogue. JPEGs are decoded at 1/2, 1/4 or 1/8
// scale (libjpeg's DCT scaling, via OpenCV's IMREAD_REDUCED_* modes), picked from the header size
// so that the decoded image is just above the thumbnail size: that is most of the import speed.
#include "core/catalogue/Types.h"
#include "core/imaging/ImageProbe.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <optional>

namespace exemplar {

struct Thumbnail {
    QByteArray jpeg; // JPEG bytes, longest side <= maxSide
    int width = 0;
    int height = 0;
};

// The largest of 1, 2, 4, 8 that keeps both sides of a width x height image >= maxSide after
// reduction (1 when the image is already small).
int reducedDecodeFactor(int width, int height, int maxSide);

// Decodes the encoded file bytes (whose header was probed) and returns a thumbnail whose longest
// side is at most maxSide (never enlarged). Returns nullopt and sets *problem when the data can't
// be decoded.
std::optional<Thumbnail> makeThumbnail(QByteArrayView fileBytes, const ImageHeader& header,
                                       int maxSide = kThumbnailMaxSide, QString* problem = nullptr);

} // namespace exemplar
