#include "ui/StudioSettings.h"

#include <QFileInfo>
#include <algorithm>

namespace exemplar::ui {

StudioSettings::StudioSettings(const QString& iniPath)
    : settings_(iniPath.isEmpty()
                    ? std::make_unique<QSettings>(QStringLiteral("Exemplar"), QStringLiteral("Exemplar"))
                    : std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

QString StudioSettings::lastCatalogue() const { return settings_->value(QStringLiteral("catalogue/last")).toString(); }

namespace {
const QString kRecentKey = QStringLiteral("catalogue/recent");

// One spelling per file, so that "./a.exemplar" and "/home/u/a.exemplar" are one entry.
QString recentKeyOf(const QString& path) { return QFileInfo(path).absoluteFilePath(); }
} // namespace

void StudioSettings::setLastCatalogue(const QString& path)
{
    const QString absolute = recentKeyOf(path);
    settings_->setValue(QStringLiteral("catalogue/last"), absolute);
    QStringList recent = recentCatalogues();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maxRecent)
        recent.removeLast();
    settings_->setValue(kRecentKey, recent);
    settings_->sync(); // a crash right after opening must still remember the catalogue
}

QStringList StudioSettings::recentCatalogues() const
{
    QStringList recent;
    for (const QString& path : settings_->value(kRecentKey).toStringList())
        if (!path.isEmpty() && !recent.contains(recentKeyOf(path)))
            recent << recentKeyOf(path);
    return recent.mid(0, maxRecent);
}

void StudioSettings::removeRecentCatalogue(const QString& path)
{
    QStringList recent = recentCatalogues();
    recent.removeAll(recentKeyOf(path));
    settings_->setValue(kRecentKey, recent);
    settings_->sync();
}

void StudioSettings::clearRecentCatalogues()
{
    settings_->remove(kRecentKey);
    settings_->sync();
}

int StudioSettings::thumbnailSize() const
{
    const int side = settings_->value(QStringLiteral("gallery/thumbnailSize"), 128).toInt();
    return std::clamp(side, minThumbnailSize, maxThumbnailSize);
}

void StudioSettings::setThumbnailSize(int side)
{
    settings_->setValue(QStringLiteral("gallery/thumbnailSize"), std::clamp(side, minThumbnailSize, maxThumbnailSize));
}

bool StudioSettings::advanceAfterLabel() const
{
    return settings_->value(QStringLiteral("labelling/advanceAfterLabel"), true).toBool();
}

void StudioSettings::setAdvanceAfterLabel(bool on) { settings_->setValue(QStringLiteral("labelling/advanceAfterLabel"), on); }

bool StudioSettings::detectFacesOnImport() const
{
    return settings_->value(QStringLiteral("import/detectFaces"), true).toBool();
}

void StudioSettings::setDetectFacesOnImport(bool on) { settings_->setValue(QStringLiteral("import/detectFaces"), on); }

bool StudioSettings::helpSeen() const { return settings_->value(QStringLiteral("help/seen"), false).toBool(); }

void StudioSettings::setHelpSeen(bool seen) { settings_->setValue(QStringLiteral("help/seen"), seen); }

QByteArray StudioSettings::windowGeometry() const { return settings_->value(QStringLiteral("window/geometry")).toByteArray(); }

QByteArray StudioSettings::windowState() const { return settings_->value(QStringLiteral("window/state")).toByteArray(); }

void StudioSettings::setWindowLayout(const QByteArray& geometry, const QByteArray& state)
{
    settings_->setValue(QStringLiteral("window/geometry"), geometry);
    settings_->setValue(QStringLiteral("window/state"), state);
}

} // namespace exemplar::ui
