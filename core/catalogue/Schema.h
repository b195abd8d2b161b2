#pragma once
// The catalogue schema and its migrations. The schema version lives in PRAGMA user_version and
// the file is marked as ours with PRAGMA application_id, so a foreign SQLite file is refused.
namespace exemplar {

class Database;

namespace schema {

inline constexpr int kApplicationId = 0x45584D50; // "EXMP"

// Highest schema version this build knows.
int currentVersion();

// Brings an Exemplar catalogue from its version up to currentVersion() in one transaction.
// The caller has already checked that the file is ours and not newer.
void migrate(Database& db, int fromVersion);

} // namespace schema
} // namespace exemplar
