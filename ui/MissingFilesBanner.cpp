#include "ui/MissingFilesBanner.h"

#include "core/catalogue/Catalogue.h"
#include "core/util/Counted.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace exemplar::ui {

QVector<MissingFolder> missingImageFolders(const Catalogue& catalogue)
{
    QVector<MissingFolder> missing;
    for (const ImageRoot& root : catalogue.roots())
        if (!QFileInfo(root.path).isDir())
            missing.push_back({root.id, root.path, int(catalogue.relativePathsInRoot(root.id).size())});
    return missing;
}

MissingFilesBanner::MissingFilesBanner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("missingFilesBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(255, 243, 205));
    pal.setColor(QPalette::WindowText, QColor(90, 60, 0));
    setPalette(pal);

    text_ = new QLabel;
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    locate_ = new QPushButton(tr("Locate folder…"));
    locate_->setObjectName(QStringLiteral("locateFolderButton"));
    auto* close = new QToolButton;
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Hide until the catalogue is opened again"));
    close->setAutoRaise(true);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(text_, 1);
    layout->addWidget(locate_);
    layout->addWidget(close);

    connect(locate_, &QPushButton::clicked, this, [this] {
        if (!missing_.isEmpty())
            Q_EMIT locateRequested(missing_.front());
    });
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MissingFilesBanner::setMissing(const QVector<MissingFolder>& folders)
{
    missing_ = folders;
    if (folders.isEmpty()) {
        text_->clear();
        hide();
        return;
    }
    QString what;
    if (folders.size() == 1) {
        what = tr("<b>Photos not found:</b> the image folder <i>%1</i> (%2) is missing — moved, renamed, or on a "
                  "drive that is not connected.")
                   .arg(folders.front().path.toHtmlEscaped(), counted(folders.front().images, u"face"));
    } else {
        QStringList paths;
        for (const MissingFolder& f : folders)
            paths << tr("<i>%1</i> (%2)").arg(f.path.toHtmlEscaped(), counted(f.images, u"face"));
        what = tr("<b>Photos not found:</b> %1 image folders are missing: %2.").arg(folders.size()).arg(paths.join(QStringLiteral(", ")));
    }
    text_->setText(what + QLatin1Char(' ')
                   + tr("Labels and thumbnails are kept; previews, training and face detection need the files. "
                        "Locate the folder where the photos are now."));
    locate_->setToolTip(tr("Choose where %1 is now").arg(folders.front().path));
    show();
}

QString MissingFilesBanner::text() const { return text_->text(); }

} // namespace exemplar::ui
