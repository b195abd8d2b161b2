#include "app/cli/CliSupport.h"

#include <QDateTime>
#include <QTextStream>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <sys/ioctl.h>
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

namespace {

// Words of `text` in lines of at most `width` columns (a longer word gets a line of its own).
QString wrapped(const QString& text, int width)
{
    QStringList lines;
    QString line;
    for (const QString& word : text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty()) lines << line;
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString helpText(const QCommandLineParser& parser, const QString& command, const QString& summary)
{
    // QCommandLineParser starts its text with "Usage: <the binary's path> [options] <positionals>"
    // and the description; keep only what follows "[options]" on that line, and its option list.
    const QString qtText = parser.helpText();
    const QString firstLine = qtText.section(QLatin1Char('\n'), 0, 0);
    const QString marker = QStringLiteral(" [options]");
    const qsizetype at = firstLine.indexOf(marker);
    const QString positionals = at < 0 ? QString() : firstLine.mid(at + marker.size());
    const qsizetype optionsAt = qtText.indexOf(QStringLiteral("\nOptions:"));
    const QString options = optionsAt < 0 ? QString() : qtText.mid(optionsAt + 1).trimmed();
    return QStringLiteral("Usage: exemplar-cli %1 [options]%2\n\n%3\n\n%4\n\nDetails: docs/cli.md, section \"%1\".")
        .arg(command, positionals, wrapped(summary, 79), options);
}

bool parseArguments(QCommandLineParser& parser, const QString& command, const QString& summary,
                    const QStringList& args, int& exitCode)
{
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(QStringList{QStringLiteral("exemplar-cli ") + command} + args)) {
        printError(QStringLiteral("exemplar-cli %1: %2").arg(command, parser.errorText()));
        printError(QStringLiteral("Try 'exemplar-cli %1 --help'.").arg(command));
        exitCode = kExitUsage;
        return false;
    }
    if (parser.isSet(help)) {
        printOut(helpText(parser, command, summary));
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

ProgressLine::ProgressLine(QString label, QString unit)
    : label_(std::move(label)), unit_(std::move(unit)), tty_(isatty(fileno(stderr)) != 0),
      startMs_(QDateTime::currentMSecsSinceEpoch())
{
}

ProgressLine::~ProgressLine() { finish(); }

QString ProgressLine::durationText(double seconds)
{
    const qint64 s = std::max<qint64>(0, std::llround(seconds));
    const QString mmss = QStringLiteral("%1:%2").arg(s / 60 % 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return s >= 3600 ? QStringLiteral("%1:%2").arg(s / 3600).arg(mmss.rightJustified(5, QLatin1Char('0'))) : mmss;
}

void ProgressLine::update(int done, int total, const QString& detail)
{
    Pace measured;
    const double seconds = (QDateTime::currentMSecsSinceEpoch() - startMs_) / 1000.0;
    if (!unit_.isEmpty() && unit_ != kPercent && seconds > 0) {
        measured.perSecond = done / seconds;
        measured.unit = unit_;
    }
    update(done, total, detail, measured);
}

namespace {

// One terminal line, redrawn in place: a line that wrapped could not be overwritten.
void drawInPlace(const QString& line)
{
    winsize size{};
    const int columns = ioctl(fileno(stderr), TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
    std::fprintf(stderr, "\r%s\x1b[K", line.left(columns - 1).toLocal8Bit().constData());
    std::fflush(stderr);
}

} // namespace

void ProgressLine::update(int done, int total, const QString& detail, const Pace& pace)
{
    if (!tty_)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Redraw at most ten times a second. A total of 0 means "not known yet" (a folder being
    // walked): every count is drawn, since its last one would otherwise be lost, and such callers
    // already send few updates.
    if (now - lastDrawMs_ < 100 && done != total && total > 0)
        return;
    lastDrawMs_ = now;
    if (total <= 0) {
        const QString line = QStringLiteral("%1 ... %2%3%4")
                                 .arg(label_).arg(done).arg(unit_.isEmpty() || unit_ == kPercent ? QString() : QLatin1Char(' ') + unit_)
                                 .arg(detail.isEmpty() ? QString() : QStringLiteral("  ") + detail.right(40));
        drawInPlace(line);
        drawn_ = true;
        return;
    }
    constexpr int width = 20;
    const int filled = total > 0 ? static_cast<int>(static_cast<qint64>(done) * width / total) : 0;
    QStringList parts;
    parts << (unit_ == kPercent ? QStringLiteral("%1%").arg(total > 0 ? qint64(done) * 100 / total : 0)
                                : QStringLiteral("%1/%2%3").arg(done).arg(total).arg(unit_.isEmpty() ? QString() : QLatin1Char(' ') + unit_));
    if (pace.perSecond > 0)
        parts << QStringLiteral("%1 %2/s").arg(pace.perSecond, 0, 'f', pace.perSecond < 10 ? 1 : 0).arg(pace.unit);
    double eta = pace.etaSeconds;
    const double seconds = (now - startMs_) / 1000.0;
    if (eta < 0 && done > 0 && total > done && seconds >= 1) eta = seconds * (total - done) / done;
    if (eta >= 0 && done < total) parts << QStringLiteral("ETA %1").arg(durationText(eta));
    const QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('.'));
    const QString line = QStringLiteral("%1 [%2] %3%4")
                             .arg(label_, bar, parts.join(QStringLiteral(", ")),
                                  detail.isEmpty() ? QString() : QStringLiteral("  ") + detail.right(40));
    drawInPlace(line);
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
