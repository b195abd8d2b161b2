#include "core/catalogue/Types.h"

namespace exemplar {

QString provenanceName(Provenance p)
{
    switch (p) {
    case Provenance::Imported: return QStringLiteral("imported");
    case Provenance::Curator: return QStringLiteral("curator");
    case Provenance::Model: return QStringLiteral("model");
    }
    return {};
}

std::optional<Provenance> provenanceFromName(const QString& name)
{
    for (auto p : {Provenance::Imported, Provenance::Curator, Provenance::Model})
        if (provenanceName(p) == name) return p;
    return std::nullopt;
}

QString splitPartName(SplitPart p)
{
    switch (p) {
    case SplitPart::Train: return QStringLiteral("train");
    case SplitPart::Validation: return QStringLiteral("validation");
    case SplitPart::Test: return QStringLiteral("test");
    }
    return {};
}

std::optional<SplitPart> splitPartFromName(const QString& name)
{
    for (auto p : {SplitPart::Train, SplitPart::Validation, SplitPart::Test})
        if (splitPartName(p) == name) return p;
    return std::nullopt;
}

} // namespace exemplar
