// Filters and sorting of the gallery, and the class balance chart (live counts, click to filter),
// checked against what the catalogue holds.
#include "UiTestSupport.h"
#include "ui/balance/BalanceChart.h"
#include "ui/gallery/FilterPanel.h"
#include "core/catalogue/FaceStore.h"

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <functional>
#include "ui/balance/QCustomPlotInclude.h"

using namespace exemplar;
using namespace exemplar::test;

namespace {

QSet<qint64> rowsOf(const ui::GalleryModel* m)
{
    const QVector<qint64>& ids = m->imageIds();
    return QSet<qint64>(ids.begin(), ids.end());
}

} // namespace

class GalleryFiltersTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void classUnlabelledExemplarAndProvenanceFilters()
    {
        StudioFixture f(150);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        Catalogue disk = f.reopen();
        const QHash<qint64, Label> labels = disk.labelsOfTask(expr.id);
        ui::FilterPanel* filters = f.view()->filters();
        QCOMPARE(f.model()->rowCount(), 150);

        filters->setClassFilter(ui::FilterPanel::Unlabelled);
        QSet<qint64> expected;
        for (const ImageRecord& r : disk.allImages())
            if (!labels.contains(r.id) || !labels[r.id].classId)
                expected.insert(r.id);
        QVERIFY(!expected.isEmpty());
        QCOMPARE(rowsOf(f.model()), expected);

        const qint64 happiness = expr.classByName(QStringLiteral("happiness"))->id;
        filters->setClassFilter(happiness);
        expected.clear();
        for (const Label& l : labels)
            if (l.classId == happiness)
                expected.insert(l.imageId);
        QVERIFY(expected.size() > 5);
        QCOMPARE(rowsOf(f.model()), expected);

        filters->setClassFilter(ui::FilterPanel::AnyClass);
        filters->setProvenance(Provenance::Curator);
        expected.clear();
        for (const Label& l : labels)
            if (l.provenance == Provenance::Curator)
                expected.insert(l.imageId);
        QVERIFY(!expected.isEmpty());
        QCOMPARE(rowsOf(f.model()), expected);

        filters->setProvenance(std::nullopt);
        filters->setExemplarsOnly(true);
        expected.clear();
        for (const Label& l : labels)
            if (l.exemplar)
                expected.insert(l.imageId);
        QCOMPARE(rowsOf(f.model()), expected);

        filters->reset();
        QCOMPARE(f.model()->rowCount(), 150);
    }

    void faceDetectionFilterFindsFlaggedImages()
    {
        StudioFixture f(40);
        Catalogue disk = f.reopen();
        const QVector<ImageRecord> all = disk.allImages();
        QSet<qint64> noFace, several, crops, unchecked;
        QVector<FaceDetectionRecord> records;
        for (int i = 0; i < all.size(); ++i) {
            const qint64 id = all[i].id;
            FaceBox b;
            b.box = QRect(2, 2, 20, 20);
            b.confidence = 0.8;
            if (i >= 30) {
                unchecked.insert(id); // never checked
            } else if (i % 5 == 0) {
                records.push_back({id, "none", "test", {}});
                noFace.insert(id);
            } else if (i % 7 == 0) {
                records.push_back({id, "failed", "test", {}}); // unreadable: also "no face found"
                noFace.insert(id);
            } else if (i % 3 == 0) {
                records.push_back({id, "several", "test", {b, b}});
                several.insert(id);
            } else {
                records.push_back({id, "tight_crop", "test", {b}});
                crops.insert(id);
            }
        }
        FaceStore(disk).recordDetections(records);
        ui::FilterPanel* filters = f.view()->filters();
        QSignalSpy changed(filters, &ui::FilterPanel::queryChanged);
        filters->setFaceFilter(QStringLiteral("none"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(rowsOf(f.model()), noFace);
        filters->setFaceFilter(QStringLiteral("several"));
        QCOMPARE(rowsOf(f.model()), several);
        filters->setFaceFilter(QStringLiteral("tight_crop"));
        QCOMPARE(rowsOf(f.model()), crops);
        filters->setFaceFilter(QStringLiteral("unchecked"));
        QCOMPARE(rowsOf(f.model()), unchecked);
        filters->reset();
        QCOMPARE(f.model()->rowCount(), 40);
    }

    void labellingAnUnlabelledFaceThroughTheFilter()
    {
        StudioFixture f(150);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        f.view()->filters()->setClassFilter(ui::FilterPanel::Unlabelled);
        const int before = f.model()->rowCount();
        QVERIFY(before > 1);
        f.gallery()->selectRow(0);
        const qint64 id = f.model()->imageIdAt(0);
        QTest::keyClick(f.gallery(), Qt::Key_1);
        QCOMPARE(*f.reopen().label(id, expr.id)->classId, expr.classes[0].id);
        // The face stays in view until the filter is applied again (no jumping under the cursor)...
        QCOMPARE(f.model()->rowCount(), before);
        f.view()->applyFilters();
        // ...then it is gone from the unlabelled faces.
        QCOMPARE(f.model()->rowCount(), before - 1);
        QCOMPARE(f.model()->rowOf(id), -1);
    }

    void fileNameSearchAttributeRangeAndSorting()
    {
        StudioFixture f(150);
        Catalogue disk = f.reopen();
        ui::FilterPanel* filters = f.view()->filters();

        filters->setFileNameFilter(QStringLiteral("bea_lind"));
        QCOMPARE(f.model()->rowCount(), 15); // every tenth face is Bea_Lind
        for (qint64 id : f.model()->imageIds())
            QVERIFY(f.model()->relativePath(id).startsWith(QStringLiteral("Bea_Lind_")));
        filters->setFileNameFilter(QString());

        filters->setAttributeRange(QStringLiteral("quality"), 0.5, 0.8);
        QSet<qint64> expected;
        for (const ImageRecord& r : disk.allImages())
            for (const AttributeValue& a : disk.attributes(r.id))
                if (a.name == QLatin1String("quality") && a.value.toDouble() >= 0.5 && a.value.toDouble() <= 0.8)
                    expected.insert(r.id);
        QVERIFY(expected.size() > 10 && expected.size() < 150);
        QCOMPARE(rowsOf(f.model()), expected);
        filters->reset();

        filters->setSort(ImageQuery::Sort::Name);
        QStringList names;
        for (qint64 id : f.model()->imageIds())
            names << f.model()->relativePath(id).toLower();
        QStringList sorted = names;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(names, sorted);

        filters->setSort(ImageQuery::Sort::Attribute, QStringLiteral("quality"), true);
        double previous = 2;
        for (qint64 id : f.model()->imageIds()) {
            double q = -1;
            for (const AttributeValue& a : disk.attributes(id))
                if (a.name == QLatin1String("quality"))
                    q = a.value.toDouble();
            QVERIFY(q <= previous);
            previous = q;
        }
    }

    void searchFieldFiltersByLabelProvenanceAndAttributes()
    {
        StudioFixture f(150);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        const TaskInfo glasses = f.task(QStringLiteral("glasses"));
        Catalogue disk = f.reopen();
        const QHash<qint64, Label> e = disk.labelsOfTask(expr.id), g = disk.labelsOfTask(glasses.id);
        QHash<qint64, double> quality;
        QHash<qint64, QString> labeler;
        const QVector<ImageRecord> all = disk.allImages();
        for (const ImageRecord& r : all)
            for (const AttributeValue& a : disk.attributes(r.id)) {
                if (a.name == QLatin1String("quality"))
                    quality[r.id] = a.value.toDouble();
                else if (a.name == QLatin1String("labeler"))
                    labeler[r.id] = a.value.toString();
            }
        const qint64 happiness = expr.classByName(QStringLiteral("happiness"))->id;
        const qint64 noGlasses = glasses.classByName(QStringLiteral("no glasses"))->id;
        ui::FilterPanel* filters = f.view()->filters();
        auto expect = [&](const QString& text, const std::function<bool(qint64)>& keep) {
            QVERIFY2(filters->setSearchText(text), qPrintable(filters->searchErrors()));
            QVERIFY(filters->searchErrors().isEmpty());
            QSet<qint64> expected;
            for (const ImageRecord& r : all)
                if (keep(r.id))
                    expected.insert(r.id);
            QVERIFY2(!expected.isEmpty() && expected.size() < 150, qPrintable(text)); // the case discriminates
            QCOMPARE(rowsOf(f.model()), expected);
        };
        auto cls = [](const QHash<qint64, Label>& l, qint64 id) { return l.contains(id) ? l[id].classId : std::nullopt; };
        expect(QStringLiteral("happiness exemplar:no"), [&](qint64 id) { return cls(e, id) == happiness && !e[id].exemplar; });
        expect(QStringLiteral("provenance:curator"), [&](qint64 id) { return e.contains(id) && e[id].provenance == Provenance::Curator; });
        expect(QStringLiteral("unlabelled glasses:\"no glasses\""), [&](qint64 id) { return !cls(e, id) && cls(g, id) == noGlasses; });
        expect(QStringLiteral("quality>0.6 labeler:ANA"), [&](qint64 id) { return quality[id] > 0.6 && labeler[id] == QLatin1String("ana"); });
        expect(QStringLiteral("bea_lind -happiness"), [&](qint64 id) {
            return f.model()->relativePath(id).startsWith(QStringLiteral("Bea_Lind_")) && cls(e, id) != happiness;
        });

        // A mistake is explained next to the field and the gallery stays as it was.
        const QSet<qint64> shown = rowsOf(f.model());
        QVERIFY(!filters->setSearchText(QStringLiteral("class:angry qualty>3")));
        const QString errors = filters->searchErrors();
        QVERIFY2(errors.contains(QStringLiteral("no class 'angry'")) && errors.contains(QStringLiteral("anger")), qPrintable(errors));
        QVERIFY2(errors.contains(QStringLiteral("unknown field 'qualty'")), qPrintable(errors));
        auto* errorLabel = filters->findChild<QLabel*>(QStringLiteral("gallerySearchError"));
        QVERIFY(errorLabel && errorLabel->isVisible());
        QCOMPARE(rowsOf(f.model()), shown);

        // Typing goes through the same path after the pause.
        QSet<qint64> expected;
        auto* field = filters->findChild<QLineEdit*>(QStringLiteral("gallerySearch"));
        QVERIFY(field);
        field->clear();
        QTest::keyClicks(field, QStringLiteral("unlabelled"));
        const int unlabelled = static_cast<int>(std::count_if(all.begin(), all.end(), [&](const ImageRecord& r) { return !cls(e, r.id); }));
        QTRY_COMPARE(f.model()->rowCount(), unlabelled);
        QVERIFY(!errorLabel->isVisible());

        // The search is read again for another active task: `unlabelled` now means glasses...
        f.session()->setActiveTask(glasses.id);
        expected.clear();
        for (const ImageRecord& r : all)
            if (!cls(g, r.id))
                expected.insert(r.id);
        QCOMPARE(rowsOf(f.model()), expected);
        // ...and a class of the old task is an error that no longer filters anything.
        QVERIFY(filters->setSearchText(QStringLiteral("class:happiness")) == false);
        f.session()->setActiveTask(expr.id);
        QVERIFY(filters->setSearchText(QStringLiteral("class:happiness")));
        f.session()->setActiveTask(glasses.id);
        QVERIFY(errorLabel->isVisible());
        QCOMPARE(f.model()->rowCount(), 150);
    }

    void thumbnailsLoadOffTheGuiThread()
    {
        StudioFixture f(60);
        QVERIFY(f.model()->index(0).data(ui::GalleryModel::ThumbnailRole).value<QImage>().isNull()
                || f.model()->cachedThumbnails() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!f.model()->index(0).data(ui::GalleryModel::ThumbnailRole).value<QImage>().isNull(), 5000);
        const QImage img = f.model()->index(0).data(ui::GalleryModel::ThumbnailRole).value<QImage>();
        const QByteArray stored = f.reopen().thumbnail(f.model()->imageIdAt(0));
        QImage expected;
        QVERIFY(expected.loadFromData(stored, "JPG"));
        QCOMPARE(img.size(), expected.size());
        QTRY_COMPARE_WITH_TIMEOUT(f.model()->pendingThumbnails(), 0, 5000);
    }

    void balanceChartFollowsLabellingAndFiltersOnClick()
    {
        StudioFixture f(150);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        ui::BalanceChart* chart = f.view()->balance();
        const QVector<qint64> bars = chart->barClassIds();
        QCOMPARE(bars.size(), expr.classes.size());
        const QVector<ClassCount> counts = f.reopen().classCounts(expr.id);
        for (int i = 0; i < bars.size(); ++i) {
            QCOMPARE(bars[i], counts[i].classId);
            QCOMPARE(chart->barValue(i, Provenance::Imported), double(counts[i].imported));
            QCOMPARE(chart->barValue(i, Provenance::Curator), double(counts[i].curator));
        }

        // Label three unlabelled faces as "surprise" (the 4th class): its curator bar grows by 3.
        const int surpriseBar = static_cast<int>(bars.indexOf(expr.classes[3].id));
        const double curatorBefore = chart->barValue(surpriseBar, Provenance::Curator);
        f.view()->filters()->setClassFilter(ui::FilterPanel::Unlabelled);
        QVERIFY(f.model()->rowCount() >= 3);
        f.gallery()->selectRow(0);
        f.gallery()->selectionModel()->select(QItemSelection(f.model()->index(0), f.model()->index(2)),
                                              QItemSelectionModel::Select);
        QTest::keyClick(f.gallery(), Qt::Key_4);
        QCOMPARE(chart->barValue(surpriseBar, Provenance::Curator), curatorBefore + 3);
        QCOMPARE(chart->barValue(surpriseBar, Provenance::Curator),
                 double(f.reopen().classCounts(expr.id)[surpriseBar].curator));
        QTest::keyClick(f.gallery(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(chart->barValue(surpriseBar, Provenance::Curator), curatorBefore);

        // Clicking the "happiness" bar shows only happy faces.
        chart->plot()->replot();
        const int happyBar = static_cast<int>(bars.indexOf(expr.classByName(QStringLiteral("happiness"))->id));
        QSignalSpy clicked(chart, &ui::BalanceChart::classClicked);
        const QPoint at = chart->barCentre(happyBar);
        QTest::mouseClick(chart->plot(), Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(f.view()->filters()->classFilter(), bars[happyBar]);
        const QHash<qint64, Label> labels = f.reopen().labelsOfTask(expr.id);
        QVERIFY(f.model()->rowCount() > 0);
        for (qint64 id : f.model()->imageIds())
            QCOMPARE(labels[id].classId, std::optional<qint64>(bars[happyBar]));
    }
};

QTEST_MAIN(GalleryFiltersTest)
#include "test_gallery_filters.moc"
