#include "core/catalogue/Schema.h"

#include "core/catalogue/Database.h"

#include <array>

namespace exemplar::schema {

namespace {

// migrations[i] takes a catalogue from version i to version i + 1. Never edit a released entry:
// add a new one, so that every existing catalogue follows the same path.
constexpr std::array<const char*, 3> kMigrations = {
    // 0 -> 1: the initial schema.
    R"sql(
CREATE TABLE image_roots(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  added_at TEXT NOT NULL);

CREATE TABLE images(
  id INTEGER PRIMARY KEY,
  root_id INTEGER NOT NULL REFERENCES image_roots(id),
  rel_path TEXT NOT NULL,
  content_hash TEXT NOT NULL UNIQUE,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  file_size INTEGER NOT NULL DEFAULT 0,
  identity TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL,
  UNIQUE(root_id, rel_path));
CREATE INDEX images_identity ON images(identity);

-- Thumbnails live apart from the image rows so that scans over images stay small.
CREATE TABLE thumbnails(
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  jpeg BLOB NOT NULL);

CREATE TABLE attributes(
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  num_value REAL,
  text_value TEXT,
  source TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(image_id, name)) WITHOUT ROWID;
CREATE INDEX attributes_name_value ON attributes(name, num_value);

CREATE TABLE tasks(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL);

CREATE TABLE classes(
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0,
  UNIQUE(task_id, name));

CREATE TABLE labels(
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  class_id INTEGER REFERENCES classes(id),
  exemplar INTEGER NOT NULL DEFAULT 0,
  provenance TEXT NOT NULL CHECK(provenance IN ('imported', 'curator', 'model')),
  source TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  PRIMARY KEY(image_id, task_id)) WITHOUT ROWID;
CREATE INDEX labels_task_class ON labels(task_id, class_id);

-- One row per undoable change (a keypress in the gallery, a whole label import, ...).
CREATE TABLE label_changes(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  author TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'applied' CHECK(state IN ('applied', 'undone', 'discarded')),
  state_at TEXT,
  state_by TEXT);
CREATE INDEX label_changes_state ON label_changes(state, id);

-- Before/after of every label a change touched. old_provenance NULL: there was no label before;
-- new_provenance NULL: the change removed the label.
CREATE TABLE label_history(
  id INTEGER PRIMARY KEY,
  change_id INTEGER NOT NULL REFERENCES label_changes(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  old_class_id INTEGER REFERENCES classes(id),
  old_exemplar INTEGER,
  old_provenance TEXT,
  old_source TEXT,
  old_author TEXT,
  old_updated_at TEXT,
  new_class_id INTEGER REFERENCES classes(id),
  new_exemplar INTEGER,
  new_provenance TEXT,
  new_source TEXT);
CREATE INDEX label_history_change ON label_history(change_id);
CREATE INDEX label_history_image ON label_history(image_id);

CREATE TABLE imports(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  added INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  report_json TEXT NOT NULL DEFAULT '{}');

CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  duration_s REAL NOT NULL DEFAULT 0,
  seed INTEGER NOT NULL DEFAULT 0,
  config_json TEXT NOT NULL DEFAULT '{}',
  classes_json TEXT NOT NULL DEFAULT '[]',
  software_json TEXT NOT NULL DEFAULT '{}',
  test_metrics_json TEXT NOT NULL DEFAULT '{}',
  model_path TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '');

CREATE TABLE run_epochs(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  train_loss REAL, train_accuracy REAL,
  val_loss REAL, val_accuracy REAL, val_balanced_accuracy REAL, val_macro_f1 REAL,
  learning_rate REAL, images_per_second REAL, seconds REAL,
  PRIMARY KEY(run_id, epoch)) WITHOUT ROWID;

CREATE TABLE run_split(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  part TEXT NOT NULL CHECK(part IN ('train', 'validation', 'test')),
  PRIMARY KEY(run_id, image_id)) WITHOUT ROWID;

-- probabilities: little-endian float32 array in the run's class order.
CREATE TABLE run_predictions(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  part TEXT NOT NULL,
  true_class_id INTEGER,
  predicted_class_id INTEGER,
  probabilities BLOB,
  PRIMARY KEY(run_id, image_id)) WITHOUT ROWID;
)sql",
    // 1 -> 2: face boxes (detection/alignment) and model scores (exemplar mining).
    R"sql(
-- Whether face detection has looked at an image, and what it concluded.
CREATE TABLE face_checks(
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK(status IN ('tight_crop', 'found', 'several', 'none', 'failed')),
  detector TEXT NOT NULL DEFAULT '',
  checked_at TEXT NOT NULL);

-- Face boxes in image pixels; eyes when found. chosen = the face used for training/prediction.
CREATE TABLE face_boxes(
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
  left_eye_x REAL, left_eye_y REAL, right_eye_x REAL, right_eye_y REAL,
  confidence REAL NOT NULL DEFAULT 0,
  source TEXT NOT NULL CHECK(source IN ('detector', 'curator')),
  chosen INTEGER NOT NULL DEFAULT 0);
CREATE INDEX face_boxes_image ON face_boxes(image_id);

-- One pass of a model over catalogue images (mining), or a set of out-of-fold predictions.
CREATE TABLE scorings(
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK(kind IN ('model', 'out_of_fold')),
  model_path TEXT NOT NULL DEFAULT '',
  classes_json TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  info_json TEXT NOT NULL DEFAULT '{}');

-- probabilities / embedding: little-endian float32 arrays (probabilities in the scoring's class order).
CREATE TABLE image_scores(
  scoring_id INTEGER NOT NULL REFERENCES scorings(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  probabilities BLOB NOT NULL,
  embedding BLOB,
  PRIMARY KEY(scoring_id, image_id)) WITHOUT ROWID;
)sql",
    // 2 -> 3: a curator-chosen colour per class (0xRRGGBB); NULL keeps the default of its name.
    R"sql(
ALTER TABLE classes ADD COLUMN colour INTEGER CHECK(colour IS NULL OR colour BETWEEN 0 AND 16777215);
)sql",
};

} // namespace

int currentVersion() { return static_cast<int>(kMigrations.size()); }

void migrate(Database& db, int fromVersion)
{
    if (fromVersion >= currentVersion())
        return;
    Transaction tx(db);
    // Another process may have migrated while we waited for the write lock: read the version again.
    const int version = static_cast<int>(db.pragmaInt("user_version"));
    for (int v = version; v < currentVersion(); ++v)
        db.exec(kMigrations[static_cast<size_t>(v)]);
    db.exec(QByteArray("PRAGMA application_id = " + QByteArray::number(kApplicationId)).constData());
    db.exec(QByteArray("PRAGMA user_version = " + QByteArray::number(currentVersion())).constData());
    tx.commit();
}

} // namespace exemplar::schema
