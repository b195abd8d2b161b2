#pragma once
// One error type for the whole core: every failure that a user can act on is thrown as
// exemplar::Error with a message that names the file and the problem. Per-item problems that must
// not abort a batch (one bad image in an import) are collected as Issue records instead.
#include <QString>
#include <stdexcept>

namespace exemplar {

class Error : public std::runtime_error {
public:
    explicit Error(const QString& message) : std::runtime_error(message.toStdString()) {}
    QString message() const { return QString::fromStdString(what()); }
};

// A problem with one item of a batch (file + reason); the batch carries on.
struct Issue {
    QString file;    // the file (or "file:line") the problem is about
    QString problem; // human-readable reason
};

} // namespace exemplar
