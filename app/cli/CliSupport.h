#pragma once
// Shared plumbing for exemplar-cli commands: option parsing, output (text or --json), terminal
// progress and Ctrl-C.
#include "core/util/Cancellation.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>

namespace exemplar {
class Catalogue;
}

namespace exemplar::cli {

// Builds a parser for one sub-command with --help and (optionally) --json. Returns false and
// prints the problem when the arguments are wrong; `exitCode` then holds the code to return.
bool parseArguments(QCommandLineParser& parser, const QString& command, const QString& description,
                    const QStringList& args, int& exitCode);

void printOut(const QString& text);   // stdout, newline added
void printError(const QString& text); // stderr, newline added
void printJson(const QJsonObject& object);

// Opens the catalogue named by --catalog (required), or prints why it cannot.
QString requireCatalogPath(const QCommandLineParser& parser);

// While alive, Ctrl-C (SIGINT/SIGTERM) sets the given flag instead of killing the process, so a
// long operation can stop at a safe point. A second Ctrl-C falls back to the default action.
class InterruptGuard {
public:
    explicit InterruptGuard(CancelFlag& flag);
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// A one-line progress bar on stderr when it is a terminal; silent otherwise (scripts, CI logs).
class ProgressLine {
public:
    explicit ProgressLine(QString label);
    ~ProgressLine();
    void update(int done, int total, const QString& detail = {});
    void finish();

private:
    QString label_;
    bool tty_ = false;
    qint64 lastDrawMs_ = 0;
    bool drawn_ = false;
};

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 64;     // EX_USAGE
inline constexpr int kExitProblems = 2;   // check found problems
inline constexpr int kExitCancelled = 130; // interrupted by Ctrl-C

} // namespace exemplar::cli
