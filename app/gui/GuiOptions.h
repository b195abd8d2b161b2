#pragma once
// Command line of the `exemplar` studio.
#include "ui/StudioLauncher.h"

#include <QStringList>

// Parses the application's arguments; prints help/errors and exits on bad input.
exemplar::ui::LaunchOptions parseGuiOptions(const QStringList& arguments);
