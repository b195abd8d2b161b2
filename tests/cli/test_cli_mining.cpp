// exemplar-cli score / suggest / review end to end on generated faces: most frown labels and a
// quarter of the smiles are hidden, eight labels are flipped. The real executable runs.
#include "tests/learning/SyntheticCatalogue.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace exemplar;

class TestCliMining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString catalog_;
    test::SyntheticCatalogue set_;

    static test::CliResult cli(const QStringList& args) { return test::runCli(args); }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(test::cliPath())) QSKIP("exemplar-cli is not built");
        catalog_ = tmp_.filePath("mine.exemplar");
        set_ = test::makeSyntheticCatalogue(catalog_, tmp_.filePath("faces"), 300, 5, 8, 4, 8);
        // The quick network of the learning tests (SyntheticCatalogue.h), as a config file.
        test::writeTextFile(tmp_.filePath("config.json"),
                            R"({"image_size": 32, "width": 8, "depth": 3, "epochs": 12, "batch_size": 32,
                                "learning_rate": 0.003, "patience": 0, "validation_fraction": 0.2,
                                "test_fraction": 0.1, "seed": "17"})");
    }

    void suggestBeforeScoringSaysWhatToDo()
    {
        const test::CliResult r = cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--class", "smile"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("exemplar-cli score"), r.err.constData());
        QCOMPARE(cli({"score", "--catalog", catalog_, "--task", "mouth"}).exitCode, 1); // no trained model yet
    }

    void scoreAndSuggest()
    {
        const test::CliResult train = cli({"train", "--catalog", catalog_, "--task", "mouth", "--out", tmp_.filePath("run"),
                                  "--config", tmp_.filePath("config.json")});
        QVERIFY2(train.exitCode == 0, train.err.constData());

        const test::CliResult score = cli({"score", "--catalog", catalog_, "--task", "mouth", "--json"});
        QVERIFY2(score.exitCode == 0, score.err.constData());
        QCOMPARE(score.json()["scored"].toInt(), 300);
        QVERIFY(score.json()["embeddings"].toBool());
        QVERIFY(score.json()["run_id"].toInt() > 0);

        const test::CliResult likely = cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--class", "smile",
                                   "--top", "10", "--json"});
        QVERIFY2(likely.exitCode == 0, likely.err.constData());
        const QJsonArray items = likely.json()["suggestions"].toArray();
        QCOMPARE(items.size(), 10);
        QCOMPARE(likely.json()["candidates"].toInt(), set_.hidden.size()); // unlabelled only by default
        QSet<qint64> hiddenSmiles;
        for (int i = 0; i < set_.ids.size(); ++i)
            if (set_.hidden.contains(set_.ids[i]) && set_.faces.samples[size_t(i)].label == 0) hiddenSmiles << set_.ids[i];
        int hits = 0;
        double previous = 2;
        for (const auto& v : items) {
            const QJsonObject o = v.toObject();
            QVERIFY(set_.hidden.contains(qint64(o["image_id"].toDouble())));
            hits += hiddenSmiles.contains(qint64(o["image_id"].toDouble()));
            QVERIFY(o["score"].toDouble() <= previous);
            previous = o["score"].toDouble();
            QVERIFY(QFileInfo::exists(o["file"].toString()));
        }
        // Hidden smiles are ~26% of the pool; random browsing would find 2 or 3 in 10.
        QVERIFY2(hits >= 7, qPrintable(QString::number(hits))); // base rate ~0.26: 2-3 in 10

        for (const char* mode : {"uncertain", "different"}) {
            const test::CliResult r = cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--mode", mode, "--top", "5", "--json"});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(r.json()["suggestions"].toArray().size(), 5);
            QCOMPARE(r.json()["mode"].toString(), QString::fromLatin1(mode));
        }
        const test::CliResult text = cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--class", "frown", "--top", "3"});
        QCOMPARE(text.exitCode, 0);
        QCOMPARE(text.out.trimmed().split('\n').size(), 3);
        QVERIFY(text.out.split('\n')[0].split('\t').size() == 4); // file, score, model class, probability

        const QString face = set_.faces.samples[0].path;
        const test::CliResult like = cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--like", face,
                                 "--include-labelled", "--top", "4", "--json"});
        QVERIFY2(like.exitCode == 0, like.err.constData());
        const QJsonArray near = like.json()["suggestions"].toArray();
        QCOMPARE(near.size(), 4);
        for (const auto& v : near) QVERIFY(v.toObject()["file"].toString() != face);

        QCOMPARE(cli({"suggest", "--catalog", catalog_, "--task", "mouth"}).exitCode, 64);          // no --class
        QCOMPARE(cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--mode", "x"}).exitCode, 64);
        QCOMPARE(cli({"suggest", "--catalog", catalog_, "--task", "mouth", "--class", "yawn"}).exitCode, 1);
    }

    void reviewFlagsFlippedLabels()
    {
        QCOMPARE(set_.flipped.size(), 8);
        const test::CliResult r = cli({"review", "--catalog", catalog_, "--task", "mouth", "--top", "16", "--folds", "3",
                              "--epochs", "25", "--size", "32", "--seed", "17", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray disputed = r.json()["disputed"].toArray();
        QCOMPARE(disputed.size(), 16);
        int found = 0;
        for (const auto& v : disputed) {
            const QJsonObject o = v.toObject();
            if (set_.flipped.contains(qint64(o["image_id"].toDouble()))) {
                ++found;
                QVERIFY(o["label"].toString() != o["model_class"].toString());
            }
        }
        QVERIFY2(found >= 5, qPrintable(QString::number(found)));
        // How the fold models did on every labelled face: the full list (--reuse, every labelled
        // face) gives each face's label and model class, from which the figures follow.
        const QJsonObject figures = r.json()["cross_validated"].toObject();
        QCOMPARE(r.json()["network"].toString(), QStringLiteral("compact"));
        const test::CliResult all = cli({"review", "--catalog", catalog_, "--task", "mouth", "--top", "100000", "--reuse",
                                         "--json"});
        QVERIFY2(all.exitCode == 0, all.err.constData());
        QCOMPARE(all.json()["cross_validated"].toObject(), figures);
        const QJsonArray every = all.json()["disputed"].toArray();
        QCOMPARE(every.size(), int(set_.ids.size() - set_.hidden.size()));
        QCOMPARE(figures["count"].toInt(), every.size());
        QMap<QString, int> right, total;
        int correct = 0;
        for (const auto& v : every) {
            const QString label = v.toObject()["label"].toString();
            ++total[label];
            if (label == v.toObject()["model_class"].toString()) {
                ++right[label];
                ++correct;
            }
        }
        const double balanced = (double(right["smile"]) / total["smile"] + double(right["frown"]) / total["frown"]) / 2;
        qInfo("cross-validated accuracy %.3f, balanced %.3f", figures["accuracy"].toDouble(),
              figures["balanced_accuracy"].toDouble());
        QCOMPARE(qRound(figures["accuracy"].toDouble() * every.size()), correct);
        QVERIFY(std::abs(figures["balanced_accuracy"].toDouble() - balanced) < 1e-9);
        QVERIFY(balanced > 0.6 && balanced < 1); // the flipped labels cannot all be right
        // ...with its interval over the people behind the faces.
        const QJsonObject interval = figures["balanced_accuracy_interval"].toObject();
        QVERIFY(interval["low"].toDouble() <= balanced && balanced <= interval["high"].toDouble());
        QVERIFY(interval["low"].toDouble() < interval["high"].toDouble());
        QVERIFY(interval["people"].toInt() >= 2 && interval["people"].toInt() <= every.size());
        QCOMPARE(interval["level"].toDouble(), 0.95);

        const test::CliResult reuse = cli({"review", "--catalog", catalog_, "--task", "mouth", "--top", "5", "--reuse"});
        QVERIFY2(reuse.exitCode == 0, reuse.err.constData());
        const auto lines = reuse.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 6); // header + 5
        QCOMPARE(lines[0], QByteArray("file\tlabel\tmodel_class\tprobability\tp(label)"));
        QVERIFY2(reuse.err.contains("Cross-validated compact models (each face scored by a model that never trained on that person): "
                                    "accuracy ") && reuse.err.contains("confusion") &&
                     reuse.err.contains(QStringLiteral(" (95% interval %1-%2 over %3 people)")
                                            .arg(interval["low"].toDouble(), 0, 'f', 3)
                                            .arg(interval["high"].toDouble(), 0, 'f', 3)
                                            .arg(interval["people"].toInt())
                                            .toUtf8()),
                 reuse.err.constData());

        // The training options are train's: a one-pass fit needs a pretrained model, as in train.
        const test::CliResult refused = cli({"review", "--catalog", catalog_, "--task", "mouth", "--backbone-fit",
                                             "class_biases"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("needs a pretrained backbone"), refused.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliMining)
#include "test_cli_mining.moc"
