"""The trained pair detector in the pipeline: train, save, load, apply after the rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.cli import main as cli
from framing.corpus import Article, load_corpus
from framing.models.safe_load import ModelFolderError
from framing.pair_detector import PairDetector, train_pair_detector
from framing.pairs import found_pairs, split_ids
from framing.segment import Segmenter

# an unnamed reference the lexicon has no rule for ("the committee" after HTS is named)
HTS_TEXT = "HTS fighters entered the town. The committee promised elections. Rain fell on {}."
RUSSIA_TEXT = "Moscow sent grain to Latakia. The shipment arrived late in {}. Farmers waited."
PLACES = ["Homs", "Hama", "Idlib", "Aleppo", "Deir", "Raqqa", "Daraa", "Tartus", "Jableh"]


def _write_corpus(root: Path) -> Path:
    seg = Segmenter()
    articles, annotations = [], []
    for i, place in enumerate(PLACES):
        hts = i % 2 == 0
        text = (HTS_TEXT if hts else RUSSIA_TEXT).format(place)
        article = {"id": f"a{i}", "text": text, "date": "2025-05-01"}
        sentences = seg.segment(Article.from_record(article)).sentences
        gold = (
            [{"HTS": "neutral"}, {"HTS": "positive"}, {}]
            if hts
            else [{"Russia": "neutral"}, {"Russia": "negative"}, {}]
        )
        assert len(sentences) == len(gold)
        articles.append(article)
        annotations += [
            {"article_id": f"a{i}", "start": s.start, "end": s.end, "text": s.text, "stance": g}
            for s, g in zip(sentences, gold, strict=True)
        ]
    (root / "articles.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8"
    )
    (root / "annotations.jsonl").write_text(
        "".join(json.dumps(a) + "\n" for a in annotations), encoding="utf-8"
    )
    (root / "splits.json").write_text(json.dumps({"test": ["a8"]}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = _write_corpus(tmp_path_factory.mktemp("corpus"))
    corpus = load_corpus(root)
    ids = split_ids(corpus, "train")
    detector, info = train_pair_detector(corpus, Segmenter(), ids, folds=2, C=10.0, min_df=1)
    folder = tmp_path_factory.mktemp("detector")
    detector.save(folder)
    return root, folder, detector, info


def test_training_chooses_a_threshold_by_cross_validation(trained):
    _, folder, detector, info = trained
    cv = info["cross_validation"]
    assert cv["folds"] == 2 and set(cv["rules_or_model"]) == {"0.3", "0.4", "0.5", "0.7", "0.9"}
    assert str(detector.threshold) in cv["rules_or_model"]
    assert cv["rules"]["recall"] < 1.0  # the rules miss "the committee" and "the shipment"
    assert info["trained_on"]["articles"] == 8  # a8 is the test split
    saved = json.loads((folder / "detector.json").read_text(encoding="utf-8"))
    assert saved["kind"] == "framing-pair-detector" and saved["actors"] == ["HTS", "Russia"]


def test_a_loaded_detector_adds_model_pairs_after_the_rules(trained):
    _, folder, detector, _ = trained
    loaded = PairDetector.load(folder)
    assert loaded.threshold == detector.threshold and loaded.actors == detector.actors
    article = Article("new", HTS_TEXT.format("Suwayda"), date="2025-06-01")
    plain = Segmenter().segment(article).sentences
    with_model = Segmenter(pair_detector=folder).segment(article).sentences
    assert [found_pairs(s) for s in plain] == [{"HTS": "alias"}, {}, {}]
    assert [found_pairs(s) for s in with_model] == [{"HTS": "alias"}, {"HTS": "model"}, {}]
    from framing.examples import relative_spans

    assert relative_spans(with_model[1], "HTS") == ([], [])  # no words, no target span
    mention = with_model[1].mentions[0]
    assert (mention.start, mention.end, mention.surface) == (
        with_model[1].start,
        with_model[1].end,
        "",
    )


def test_the_detector_never_overrules_a_sense_rule(trained):
    _, _, detector, _ = trained
    eager = PairDetector(detector.detector, 1e-9, salient=False)  # every actor left out
    sentence = Segmenter().segment(Article("x", "Her sister lives in Moscow.")).sentences
    eager.add_pairs(sentence, None)
    hows = {(m.actor, m.how, m.sense) for m in sentence[0].mentions}
    assert ("Russia", "alias", "not_actor") in hows  # "Moscow" the place stays not the actor
    assert ("HTS", "model", "actor") in hows
    assert not any(a == "Russia" and how == "model" for a, how, _ in hows)


def test_by_default_it_adds_only_actors_named_just_before(trained):
    _, _, detector, _ = trained
    eager = PairDetector(detector.detector, 1e-9)  # salient: the default
    text = "HTS fighters entered the town. Rain fell. Crops failed. Prices rose."
    sentences = Segmenter().segment(Article("x", text, date="2025-06-01")).sentences
    eager.add_pairs(sentences, "2025-06-01")
    model = [sorted(m.actor for m in s.mentions if m.how == "model") for s in sentences]
    # HTS is named in sentence 0: sentences 1 and 2 may point back to it, 3 may not;
    # Russia is never named, so never added
    assert model == [[], ["HTS"], ["HTS"], []]


def test_a_damaged_detector_is_one_line(trained, tmp_path):
    _, folder, _, _ = trained
    with pytest.raises(ModelFolderError, match="detector.json: missing"):
        PairDetector.load(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "detector.json").write_text((folder / "detector.json").read_text(), encoding="utf-8")
    (bad / "detector.skops").write_bytes(b"not a zip file")
    with pytest.raises(ModelFolderError, match="detector.skops"):
        PairDetector.load(bad)
    (bad / "detector.json").write_text(json.dumps({"kind": "other"}), encoding="utf-8")
    with pytest.raises(ModelFolderError, match="not a pair detector"):
        PairDetector.load(bad)
    with pytest.raises(ValueError, match="threshold"):
        PairDetector(None, 0.0)  # type: ignore[arg-type]


def test_command_line_trains_and_applies_it(trained, tmp_path, capsys, caplog):
    root = trained[0]
    out = tmp_path / "det"
    assert (
        cli(["-q", "train-pair-detector", "--data", str(root), "-o", str(out), "--folds", "2"]) == 0
    )
    assert "8 train articles, threshold" in capsys.readouterr().out
    articles = tmp_path / "new.jsonl"
    articles.write_text(
        json.dumps({"id": "n1", "text": HTS_TEXT.format("Suwayda"), "date": "2025-06-01"}) + "\n",
        encoding="utf-8",
    )
    rows = tmp_path / "rows.jsonl"
    assert cli(["-q", "segment", str(articles), "-o", str(rows), "--pair-detector", str(out)]) == 0
    hows = [
        [m["how"] for m in json.loads(line)["mentions"]]
        for line in rows.read_text(encoding="utf-8").splitlines()
    ]
    assert hows[1] == ["model"]
    assert cli(["-q", "segment", str(articles), "-o", str(rows), "--pair-detector", "/nope"]) == 2
    assert "/nope/detector.json: missing" in caplog.text


def test_predictions_carry_the_model_pairs_with_how_model(trained, tmp_path_factory):
    from run_helpers import trained_run

    from framing.analyze import analyze_articles

    folder = trained[1]
    run = trained_run(tmp_path_factory.getbasetemp(), "stance")
    article = {"id": "n1", "text": HTS_TEXT.format("Suwayda"), "date": "2025-06-01"}
    plain = analyze_articles([article], run)
    rows = analyze_articles([article], run, pair_detector=folder)
    assert len(rows) == len(plain) + 1
    (added,) = [r for r in rows.to_dict(orient="records") if r["sentence_index"] == 1]
    assert added["actor"] == "HTS" and added["sense"] == "actor"
    assert [m["how"] for m in added["evidence"]] == ["model"]
    assert added["evidence"][0]["surface"] == "" and added["evidence"][0]["start"] == 0
