// The files the training windows write: metrics CSV with awkward class names read back by the
// project's own CSV reader, CSV field quoting, and the per-batch loss log kept beside a run; and
// what the run history reads off two recorded runs' test faces (the paired change).
#include "core/import/CsvReader.h"
#include "core/util/Error.h"
#include "ui/training/BatchLossLog.h"
#include "ui/training/CsvText.h"
#include "ui/training/RunData.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

// A run's recorded test faces as the views hold them: image ids in confusion-matrix cells.
RunData runJudging(const QStringList& classes, const QVector<qint64>& ids, const std::vector<int>& truth,
                   const std::vector<int>& predicted)
{
    RunData d;
    d.classNames = classes;
    d.cells = QVector<QVector<RunData::Cell>>(classes.size(), QVector<RunData::Cell>(classes.size()));
    for (int i = 0; i < ids.size(); ++i) {
        auto& cell = d.cells[truth[size_t(i)]][predicted[size_t(i)]];
        ++cell.count;
        cell.imageIds << ids[i];
    }
    return d;
}

} // namespace

class TestTrainingFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void csvFieldQuotesOnlyWhenNeeded_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "happiness" << "happiness";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("number") << "0.8125" << "0.8125";
        QTest::newRow("comma") << "sad, very" << "\"sad, very\"";
        QTest::newRow("quote") << "say \"cheese\"" << "\"say \"\"cheese\"\"\"";
        QTest::newRow("newline") << "two\nlines" << "\"two\nlines\"";
        QTest::newRow("semicolon") << "a;b" << "\"a;b\"";
        QTest::newRow("outer space") << " padded " << "\" padded \"";
        QTest::newRow("inner space") << "very sad" << "very sad";
    }

    void csvFieldQuotesOnlyWhenNeeded()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QCOMPARE(csvField(field), expected);
    }

    void metricsCsvReadsBackWithAwkwardClassNames()
    {
        RunData d;
        const QStringList names{QStringLiteral("sad, very"), QStringLiteral("say \"cheese\""), QStringLiteral("neutral")};
        for (int i = 0; i < names.size(); ++i) {
            learning::ClassMetrics c;
            c.name = names[i];
            c.precision = 0.5 + 0.1 * i;
            c.recall = 0.25 * (i + 1);
            c.f1 = 0.125 * (i + 2);
            c.support = 10 + i;
            d.test.perClass.push_back(c);
        }
        d.test.count = 33;
        d.test.accuracy = 0.6;
        d.test.balancedAccuracy = 0.55;
        d.test.macroF1 = 0.5;
        const TextTable table = parseCsv(metricsCsv(d).toUtf8(), QStringLiteral("metrics.csv"));
        QCOMPARE(table.header, (QStringList{"class", "precision", "recall", "f1", "support"}));
        QCOMPARE(table.rows.size(), names.size() + 3);
        for (int i = 0; i < names.size(); ++i) {
            const QStringList& row = table.rows[i].cells;
            QCOMPARE(row.size(), 5);
            QCOMPARE(row[0], names[i]);
            QCOMPARE(row[1].toDouble(), d.test.perClass[i].precision);
            QCOMPARE(row[2].toDouble(), d.test.perClass[i].recall);
            QCOMPARE(row[3].toDouble(), d.test.perClass[i].f1);
            QCOMPARE(row[4].toInt(), d.test.perClass[i].support);
        }
        QCOMPARE(table.rows[names.size()].cells, (QStringList{"accuracy", "", "", "0.6000", "33"}));
        QCOMPARE(table.rows[names.size() + 2].cells, (QStringList{"macro_f1", "", "", "0.5000", "33"}));
    }

    void batchLossLogSmoothsSavesAndLoads()
    {
        BatchLossLog log;
        learning::BatchProgress b;
        b.epochs = 3;
        b.batches = 4;
        for (int epoch = 1; epoch <= 2; ++epoch)
            for (int batch = 1; batch <= 4; ++batch) {
                b.epoch = epoch;
                b.batch = batch;
                b.loss = epoch == 1 && batch == 1 ? 2.0 : 1.0;
                log.add(b);
            }
        QCOMPARE(log.points().size(), 8);
        // Bias-corrected: the first point is the first loss itself, not 10% of it.
        QCOMPARE(log.points()[0], QPointF(0.25, 2.0));
        QCOMPARE(log.points()[7].x(), 2.0);
        QVERIFY(log.points()[1].y() < 2.0 && log.points()[1].y() > 1.0);
        for (int i = 2; i < 8; ++i)
            QVERIFY(log.points()[i].y() < log.points()[i - 1].y()); // decays towards 1

        QTemporaryDir dir;
        const QString path = BatchLossLog::fileIn(dir.path());
        log.save(path);
        const BatchLossLog back = BatchLossLog::load(path);
        QCOMPARE(back.points().size(), log.points().size());
        for (int i = 0; i < log.points().size(); ++i) {
            QCOMPARE(back.points()[i].x(), log.points()[i].x());
            QVERIFY(qAbs(back.points()[i].y() - log.points()[i].y()) < 1e-7);
        }

        // Resuming after epoch 1: the points of the interrupted epoch 2 go, new ones follow.
        BatchLossLog resumed = back;
        resumed.keepEpochs(1);
        QCOMPARE(resumed.points().size(), 4);
        b.epoch = 2;
        b.batch = 1;
        b.loss = 3.0;
        QCOMPARE(resumed.add(b), QPointF(1.25, 3.0)); // smoothing restarts with the run

        QVERIFY(BatchLossLog::load(dir.filePath(QStringLiteral("missing.csv"))).points().isEmpty());
        QFile bad(dir.filePath(QStringLiteral("bad.csv")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("epoch,smoothed_loss\n0.5,1.2\n1.0,oops\n");
        bad.close();
        try {
            BatchLossLog::load(bad.fileName());
            QFAIL("a malformed log was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(bad.fileName() + QStringLiteral(":3")), qPrintable(e.message()));
        }
    }

    // Two runs on the same test faces are compared face by face, over resampled people; runs on
    // other faces, other classes or since-fixed labels are not.
    void pairedChangeOnlyForTheSameFacesAndLabels()
    {
        const QStringList classes{QStringLiteral("happiness"), QStringLiteral("sadness")};
        QVector<qint64> ids;
        std::vector<int> truth, halfRight, moreRight;
        QHash<qint64, QString> people;
        for (int i = 0; i < 80; ++i) {
            ids << 100 + i;
            people.insert(100 + i, QStringLiteral("person %1").arg(i / 4)); // 20 people, 4 faces each
            const int t = i % 2;
            truth.push_back(t);
            halfRight.push_back(i % 4 < 2 ? t : 1 - t);
            moreRight.push_back(i % 4 < 3 ? t : 1 - t);
        }
        const RunData a = runJudging(classes, ids, truth, halfRight);
        QCOMPARE(testImageIds(a).size(), 80);

        const auto same = pairedBalancedAccuracyChange(a, a, people);
        QVERIFY(same);
        QCOMPARE(same->low, 0.0);
        QCOMPARE(same->high, 0.0);
        QCOMPARE(same->people, 20);
        const auto better = pairedBalancedAccuracyChange(a, runJudging(classes, ids, truth, moreRight), people);
        QVERIFY(better && better->low > 0); // every person gains: more than luck
        const auto worse = pairedBalancedAccuracyChange(runJudging(classes, ids, truth, moreRight), a, people);
        QVERIFY(worse && worse->high < 0);

        QVector<qint64> otherIds;
        for (qint64 id : ids) otherIds << id + 1000;
        QVERIFY(!pairedBalancedAccuracyChange(a, runJudging(classes, otherIds, truth, moreRight), people));
        QVERIFY(!pairedBalancedAccuracyChange(
            a, runJudging({QStringLiteral("happiness"), QStringLiteral("anger")}, ids, truth, moreRight), people));
        std::vector<int> fixedLabel = truth;
        fixedLabel[7] = 1 - fixedLabel[7];
        QVERIFY(!pairedBalancedAccuracyChange(a, runJudging(classes, ids, fixedLabel, moreRight), people));
    }
};

QTEST_MAIN(TestTrainingFiles)
#include "test_training_files.moc"
