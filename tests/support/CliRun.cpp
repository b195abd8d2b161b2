#include "tests/support/CliRun.h"

#include "tests/support/TestSupport.h"

#include <QJsonDocument>
#include <QProcess>

namespace exemplar::test {

QJsonObject CliResult::json() const { return QJsonDocument::fromJson(out).object(); }

QString CliResult::describe() const
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(exitCode)
        .arg(QString::fromUtf8(out), QString::fromUtf8(err.right(3000)));
}

CliResult runCli(const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.start(cliPath(), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace exemplar::test
