#include "app/cli/CliSupport.h"

#include <QDateTime>
#include <QTextStream>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace exemplar::cli {

namespace {

// A POSIX signal handler can only reach the program through a global; this one pointer is the only
// such state, and InterruptGuard owns its lifetime.
std::atomic<CancelFlag*> g_interruptFlag{nullptr};

extern "C" void onInterrupt(int signal)
{
    if (CancelFlag* flag = g_interruptFlag.load()) {
        flag->cancel();
        std::signal(signal, SIG_DFL); // a second Ctrl-C stops at once
    }
}

} // namespace

bool parseArguments(QCommandLineParser& parser, const QString& command, const QString& description,
                    const QStringList& args, int& exitCode)
{
    parser.setApplicationDescription(description);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(QStringList{QStringLiteral("exemplar-cli ") + command} + args)) {
        printError(QStringLiteral("exemplar-cli %1: %2").arg(command, parser.errorText()));
        printError(QStringLiteral("Try 'exemplar-cli %1 --help'.").arg(command));
        exitCode = kExitUsage;
        return false;
    }
    if (parser.isSet(help)) {
        printOut(parser.helpText());
        exitCode = kExitOk;
        return false;
    }
    return true;
}

void printOut(const QString& text)
{
    QTextStream out(stdout);
    out << text << '\n';
}

void printError(const QString& text)
{
    QTextStream err(stderr);
    err << text << '\n';
}

void printJson(const QJsonObject& object)
{
    QTextStream out(stdout);
    out << QJsonDocument(object).toJson(QJsonDocument::Indented);
}

QString requireCatalogPath(const QCommandLineParser& parser)
{
    const QString path = parser.value(QStringLiteral("catalog"));
    if (path.isEmpty())
        printError(QStringLiteral("missing --catalog FILE (the catalogue, e.g. faces.exemplar)"));
    return path;
}

InterruptGuard::InterruptGuard(CancelFlag& flag)
{
    g_interruptFlag.store(&flag);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

InterruptGuard::~InterruptGuard()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_interruptFlag.store(nullptr);
}

ProgressLine::ProgressLine(QString label) : label_(std::move(label)), tty_(isatty(fileno(stderr)) != 0) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(int done, int total, const QString& detail)
{
    if (!tty_)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - lastDrawMs_ < 100 && done != total)
        return; // redraw at most ten times a second
    lastDrawMs_ = now;
    constexpr int width = 30;
    const int filled = total > 0 ? static_cast<int>(static_cast<qint64>(done) * width / total) : 0;
    const QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('.'));
    QString line = QStringLiteral("\r%1 [%2] %3/%4 %5").arg(label_, bar).arg(done).arg(total).arg(detail.right(40));
    std::fprintf(stderr, "%-100s", line.toLocal8Bit().constData());
    std::fflush(stderr);
    drawn_ = true;
}

void ProgressLine::finish()
{
    if (tty_ && drawn_) {
        std::fprintf(stderr, "\n");
        drawn_ = false;
    }
}

} // namespace exemplar::cli
