#pragma once
// Where the mining GUI tests start: a main window (throw-away settings) on a catalogue with one
// task active and its "Find exemplars" panel. Header-only: the support library does not link the UI.
#include "ui/MainWindow.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/mining/MiningPanel.h"

#include <QString>

namespace exemplar::test {

struct MiningStudio {
    ui::StudioSettings settings;
    ui::MainWindow window;
    ui::MiningPanel* panel = nullptr;

    explicit MiningStudio(const QString& settingsPath) : settings(settingsPath), window(&settings)
    {
        window.setInteractive(false);
    }

    // False when the catalogue does not open or the window has no mining panel.
    bool open(const QString& cataloguePath, qint64 taskId)
    {
        if (!window.openCatalogue(cataloguePath)) return false;
        window.session()->setActiveTask(taskId);
        panel = ui::miningPanelOf(&window);
        return panel != nullptr;
    }
};

} // namespace exemplar::test
