#pragma once
// Shared set-up for the GUI tests: a generated catalogue in a temporary folder and a main window
// on it with throw-away settings, plus small helpers to wait for the window to settle.
#include "core/catalogue/Catalogue.h"
#include "ui/MainWindow.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/demo/DemoCatalogue.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace exemplar::test {

struct StudioFixture {
    QTemporaryDir dir;
    QString cataloguePath;
    std::unique_ptr<ui::StudioSettings> settings;
    std::unique_ptr<ui::MainWindow> window;

    // Generates `images` synthetic faces (no image files: thumbnails only) and opens a window.
    explicit StudioFixture(int images = 120, quint32 seed = 7)
    {
        QStandardPaths::setTestModeEnabled(true);
        cataloguePath = dir.filePath(QStringLiteral("faces.exemplar"));
        ui::DemoOptions opts;
        opts.images = images;
        opts.imageSide = 96;
        opts.writeImageFiles = false;
        opts.seed = seed;
        ui::generateDemoCatalogue(cataloguePath, opts);
        openWindow();
    }

    // Opens a window on an existing catalogue (not copied; settings still go to the temp folder).
    explicit StudioFixture(const QString& existingCatalogue)
    {
        QStandardPaths::setTestModeEnabled(true);
        cataloguePath = existingCatalogue;
        openWindow();
    }

    QString settingsPath() const { return dir.filePath(QStringLiteral("settings.ini")); }

    void openWindow()
    {
        window.reset();
        settings = std::make_unique<ui::StudioSettings>(settingsPath());
        window = std::make_unique<ui::MainWindow>(settings.get());
        window->setInteractive(false);
        window->resize(1200, 800);
        QVERIFY(window->openCatalogue(cataloguePath));
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        gallery()->setFocus();
    }

    ui::CurationView* view() const { return window->curationView(); }
    ui::GalleryView* gallery() const { return view()->gallery(); }
    ui::GalleryModel* model() const { return view()->model(); }
    ui::CurationSession* session() const { return window->session(); }
    TaskInfo task(const QString& name) const { return *session()->catalogue().task(name); }

    // A second, independent connection: what is really stored on disk.
    Catalogue reopen() const { return Catalogue::open(cataloguePath, Catalogue::OpenMode::MustExist); }
};

} // namespace exemplar::test
