// The `exemplar` studio: argument parsing and wiring only; the window lives in ui/.
#include "GuiOptions.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Exemplar"));
    QApplication::setApplicationName(QStringLiteral("Exemplar"));
    QApplication::setApplicationVersion(QStringLiteral(EXEMPLAR_VERSION));
    return exemplar::ui::runStudio(parseGuiOptions(QApplication::arguments()));
}
