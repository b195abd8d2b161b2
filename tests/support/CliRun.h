#pragma once
// Runs the built exemplar-cli for the CLI tests and keeps what it printed.
#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace exemplar::test {

struct CliResult {
    int exitCode = -1; // -1: crashed or killed after the timeout
    QByteArray out;
    QByteArray err;
    QJsonObject json() const; // stdout as a JSON object (empty when it is not one)
    QString describe() const; // exit code and output, for failure messages
};

// Waits up to timeoutMs, then kills the process.
CliResult runCli(const QStringList& args, int timeoutMs = 300000);

} // namespace exemplar::test
