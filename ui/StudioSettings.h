#pragma once
// The studio's persistent preferences. Wraps QSettings so that tests and screenshots can point it at
// a throw-away file instead of the user's settings (organization "Exemplar", application "Exemplar").
#include <QSettings>
#include <QString>
#include <QStringList>
#include <memory>

namespace exemplar::ui {

class StudioSettings {
public:
    // Empty iniPath: the user's settings. Otherwise an INI file used only by this instance.
    explicit StudioSettings(const QString& iniPath = {});

    QString lastCatalogue() const;
    // Also puts the catalogue first in the recent list.
    void setLastCatalogue(const QString& path);
    QStringList recentCatalogues() const; // absolute paths, newest first, at most maxRecent
    void removeRecentCatalogue(const QString& path);
    void clearRecentCatalogues();
    static constexpr int maxRecent = 10;

    int thumbnailSize() const; // tile side in pixels, clamped to [minThumbnailSize, maxThumbnailSize]
    void setThumbnailSize(int side);
    static constexpr int minThumbnailSize = 64;
    static constexpr int maxThumbnailSize = 256;

    bool advanceAfterLabel() const; // move to the next face after labelling a single face
    void setAdvanceAfterLabel(bool on);

    bool detectFacesOnImport() const; // the import dialog's "detect faces" choice, kept between imports
    void setDetectFacesOnImport(bool on);

    bool helpSeen() const; // the shortcut overlay is shown once on the first start
    void setHelpSeen(bool seen);

    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowLayout(const QByteArray& geometry, const QByteArray& state);

    QSettings& raw() { return *settings_; }

private:
    std::unique_ptr<QSettings> settings_;
};

} // namespace exemplar::ui
