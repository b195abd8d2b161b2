#include "ui/StudioSettings.h"

#include <algorithm>

namespace exemplar::ui {

StudioSettings::StudioSettings(const QString& iniPath)
    : settings_(iniPath.isEmpty()
                    ? std::make_unique<QSettings>(QStringLiteral("Exemplar"), QStringLiteral("Exemplar"))
                    : std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

QString StudioSettings::lastCatalogue() const { return settings_->value(QStringLiteral("catalogue/last")).toString(); }

void StudioSettings::setLastCatalogue(const QString& path)
{
    settings_->setValue(QStringLiteral("catalogue/last"), path);
    QStringList recent = recentCatalogues();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8)
        recent.removeLast();
    settings_->setValue(QStringLiteral("catalogue/recent"), recent);
    settings_->sync(); // a crash right after opening must still remember the catalogue
}

QStringList StudioSettings::recentCatalogues() const
{
    return settings_->value(QStringLiteral("catalogue/recent")).toStringList();
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
