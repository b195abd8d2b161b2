#include "ui/Screenshot.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPixmap>
#include <QThread>
#include <QWidget>

namespace exemplar::ui {

bool saveScreenshot(QWidget* window, const QString& pngPath, const std::function<bool()>& ready, int timeoutMs,
                    QString* error)
{
    window->show();
    QElapsedTimer clock;
    clock.start();
    // Let layouts settle first, then wait for the content (thumbnails, queued replots).
    int settled = 0;
    while (clock.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        settled = (ready && !ready()) ? 0 : settled + 1;
        if (settled >= 5 && clock.elapsed() > 300)
            break;
        QThread::msleep(10);
    }
    QCoreApplication::processEvents();
    const QPixmap shot = window->grab();
    QDir().mkpath(QFileInfo(pngPath).absolutePath());
    if (shot.isNull() || !shot.save(pngPath, "PNG")) {
        if (error)
            *error = QStringLiteral("%1: cannot write the screenshot").arg(pngPath);
        return false;
    }
    return true;
}

} // namespace exemplar::ui
