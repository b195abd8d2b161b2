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

// Every command's --help is built here, so that all read alike (new commands get it by calling
// parseArguments; nothing else to do):
//
//   Usage: exemplar-cli <command> [options] [FILE...]
//
//   <summary: one to three sentences on what the command does>
//
//   Options:
//     --catalog <FILE>   The catalogue file.            (QCommandLineParser's list)
//
//   Details: docs/cli.md, section "<command>".
//
// `summary` is that first paragraph. Keep it and the option texts short: what the command does,
// defaults, accepted values. Reasoning, research findings, how a figure is computed and worked
// examples belong in the command's section of docs/cli.md (which also repeats the help text).
QString helpText(const QCommandLineParser& parser, const QString& command, const QString& summary);

// Adds --help to the parser and parses the arguments of one sub-command. Returns false after
// printing the help (helpText) or the problem with the arguments; `exitCode` then holds the code
// to return.
bool parseArguments(QCommandLineParser& parser, const QString& command, const QString& summary,
                    const QStringList& args, int& exitCode);

void printOut(const QString& text);   // stdout, newline added
void printError(const QString& text); // stderr, newline added
void printJson(const QJsonObject& object);

// The help of --model wherever a command reads a model folder (ExportedModel::resolveDir).
inline constexpr const char* kModelOptionHelp =
    "Model folder: an exported model (model.json, model.pt) or the folder a training run wrote with --out "
    "(its model/ is used).";

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

// How fast work goes, when the caller knows better than the progress line's own measurement
// (train: its ETA counts the validation still to come and the time limit).
struct Pace {
    double perSecond = 0; // 0: not shown
    QString unit;         // what perSecond counts, e.g. "faces"
    double etaSeconds = -1; // < 0: extrapolated from done/total over the time so far
};

// A one-line progress bar on stderr when it is a terminal; silent otherwise (scripts, CI logs).
// Nothing goes to stdout, so --json output stays clean. With a unit ("faces"), the line shows the
// count, the rate and the time left, measured from the updates:
//   Evaluating [#########.....................] 120/400 faces, 85 faces/s, ETA 0:03
// Every long command uses this one printer, so they all read alike.
class ProgressLine {
public:
    // Shows done/total as a percentage instead of a count (e.g. a cross-validation's fraction).
    static inline const QString kPercent = QStringLiteral("%");

    explicit ProgressLine(QString label, QString unit = {});
    ~ProgressLine();
    void update(int done, int total, const QString& detail = {});
    void update(int done, int total, const QString& detail, const Pace& pace);
    void finish();

    // "0:42", "12:05", "1:02:05".
    static QString durationText(double seconds);

private:
    QString label_;
    QString unit_;
    bool tty_ = false;
    qint64 startMs_ = 0;
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
