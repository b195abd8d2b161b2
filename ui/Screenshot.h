#pragma once
// Renders a window to a PNG without a display (offscreen or Xvfb), for documentation and tests.
#include <QString>
#include <functional>

class QWidget;

namespace exemplar::ui {

// Shows `window`, keeps the event loop running until `ready()` is true (e.g. thumbnails loaded)
// or timeoutMs passed, then grabs it and writes a PNG. Returns false (with *error) on failure.
bool saveScreenshot(QWidget* window, const QString& pngPath, const std::function<bool()>& ready, int timeoutMs,
                    QString* error = nullptr);

} // namespace exemplar::ui
