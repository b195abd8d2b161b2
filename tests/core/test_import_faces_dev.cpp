// The importers on real photos: a few hundred faces-dev images (linked into a temp folder, never
// copied into the project) and the real labels.csv. Skipped when faces-dev is absent.
#include "core/catalogue/Catalogue.h"
#include "core/import/CsvReader.h"
#include "core/import/Importers.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <opencv2/imgcodecs.hpp>

using namespace exemplar;

class TestImportFacesDev : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void importsImagesAndLabels()
    {
        EXEMPLAR_REQUIRE_FACES_DEV(faces);
        constexpr int kImages = 300;
        const TextTable labels = readCsvFile(faces + "/labels.csv");
        QCOMPARE(labels.header, (QStringList{"file", "expression", "sex", "identity", "labeler"}));
        QVERIFY(labels.rows.size() > kImages);

        // Every 17th labelled file, so that the sample spans identities and classes.
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        QDir().mkpath(images);
        QHash<QString, const TextTable::Row*> expected;
        for (int i = 0; expected.size() < kImages && i < labels.rows.size(); i += 17) {
            const auto& row = labels.rows[i];
            QVERIFY(QFile::link(faces + "/images/" + row.cells[0], images + "/" + row.cells[0]));
            expected.insert(row.cells[0], &row);
        }
        QCOMPARE(expected.size(), kImages);

        auto catalogue = Catalogue::open(dir.filePath("faces.exemplar"));
        const ImportReport imported = importFolder(catalogue, images);
        QCOMPARE(imported.scanned, kImages);
        QCOMPARE(imported.added + imported.duplicates, kImages);
        QCOMPARE(imported.skipped, 0);
        for (const auto& image : catalogue.allImages()) {
            QVERIFY(image.width > 0 && image.height > 0);
            const QByteArray thumb = catalogue.thumbnail(image.id);
            const cv::Mat m = cv::imdecode(std::vector<uchar>(thumb.begin(), thumb.end()), cv::IMREAD_UNCHANGED);
            QVERIFY2(!m.empty(), qPrintable(image.relativePath));
            QCOMPARE(std::max(m.cols, m.rows), std::min(kThumbnailMaxSide, std::max(image.width, image.height)));
        }

        const ImportReport labelled = importLabelsCsv(catalogue, faces + "/labels.csv", images, {});
        QCOMPARE(labelled.scanned, int(labels.rows.size()));
        // Rows of the images that were not sampled are reported as not catalogued.
        QCOMPARE(labelled.skipped, int(labels.rows.size()) - imported.added);
        const auto expression = catalogue.task("expression");
        const auto sex = catalogue.task("sex");
        QVERIFY(expression && sex);
        const auto expressionLabels = catalogue.labelsOfTask(expression->id);
        int withSex = 0;
        const qint64 rootId = catalogue.roots().first().id;
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            const auto id = catalogue.imageIdByPath(rootId, it.key());
            if (!id) continue; // a duplicate of another sampled file
            const auto& cells = it.value()->cells;
            const auto label = expressionLabels.value(*id);
            QVERIFY2(label.classId, qPrintable(it.key()));
            QCOMPARE(expression->classById(*label.classId)->name, cells[1]);
            QCOMPARE(catalogue.image(*id)->identity, cells[3]);
            if (!cells[2].isEmpty()) ++withSex;
        }
        QCOMPARE(catalogue.labelsOfTask(sex->id).size(), withSex);
        QCOMPARE(labelled.labelsSet, imported.added + withSex);
        QCOMPARE(catalogue.changes().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestImportFacesDev)
#include "test_import_faces_dev.moc"
