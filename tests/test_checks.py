"""Behavioural checks: suite files, template expansion, scoring, ``framing check``, the run hook."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf
from run_helpers import tiny_corpus, trained_run

from framing.checks import (
    CheckError,
    check_suites,
    expand_suite,
    load_suite,
    metrics_summary,
    run_checks,
    write_results,
)
from framing.checks.command import RESULTS_FILE, checks_metrics
from framing.checks.expand import count_cases
from framing.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_SUITE = ROOT / "framing" / "checks" / "suites" / "stance.yaml"
CAPABILITIES = {
    "speaker_vs_target",
    "reported_speech",
    "negation",
    "accusation_praise",
    "background_mentions",
    "two_actors",
    "actor_swap",
    "scraping_debris",
}

TINY_SUITE = """\
suite: tiny
task: stance
cases_per_actor: 2
actors:
  Russia: [Russia, the Kremlin]
  HTS: [HTS]
lists:
  place: [Homs]
  official: [a UN envoy]
  act: ["shelled a market in {place}"]
  debris: [Read more]
capabilities:
  - name: blame
    tests:
      - {type: mft, name: condemned, expect: negative,
         template: "{official} condemned {actor} in {place}."}
      - {type: mft, name: praised but expected negative, expect: negative,
         template: "{official} praised {actor} in {place}."}
  - name: contrast
    tests:
      - {type: mft, name: two actors, expect: {actor: positive, other: negative},
         template: "{official} praised {actor} and condemned {other}."}
  - name: robust
    tests:
      - {type: inv, name: harmless debris, template: "{actor_alias} {act}.",
         perturb: ["{sentence} {debris}"]}
      - {type: inv, name: debris that praises, template: "{official} condemned {actor}.",
         perturb: ["{sentence} Others praised it."]}
      - {type: inv, name: swap, over_actors: true, template: "{actor} met {official}."}
  - name: direction
    tests:
      - {type: dir, name: gets worse, direction: down,
         template: "{official} praised {actor}.", then: "{official} condemned {actor}."}
      - {type: dir, name: wrongly up, direction: up,
         template: "{official} praised {actor}.", then: "{official} condemned {actor}."}
      - {type: dir, name: flips, direction: no_flip,
         template: "{official} praised {actor}.", then: "{official} condemned {actor}."}
      - {type: dir, name: stays, direction: no_flip,
         template: "{official} condemned {actor}.", then: "{official} condemned {actor} again."}
"""


class FakeModel:
    """A stance model whose answers the test controls: "condemned" → negative,
    "praised" → positive, anything else neutral (and both: the first word in the text)."""

    task = "stance"
    labels = ["negative", "neutral", "positive"]

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str]]] = []

    def predict_proba(self, sentences, actors=None):
        self.calls.append((list(sentences), list(actors)))
        rows = []
        for i, (text, actor) in enumerate(zip(sentences, actors, strict=True)):
            neg, pos = text.find("condemned"), text.find("praised")
            if neg >= 0 and (pos < 0 or neg < pos):
                p = [0.8, 0.1, 0.1]
            elif pos >= 0:
                p = [0.1, 0.1, 0.8]
            else:
                p = [0.1, 0.8, 0.1]
            rows.append(
                {"sentence_index": i, "sentence": text, "actor": actor, "mentions": []}
                | {f"p_{lab}": v for lab, v in zip(self.labels, p, strict=True)}
            )
        return pd.DataFrame(rows)


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_SUITE, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# the shipped suite
def test_shipped_suite_has_every_capability_with_20_cases_per_actor(lexicon):
    suite = load_suite(SHIPPED_SUITE)
    assert {c.name for c in suite.capabilities} == CAPABILITIES
    cases = expand_suite(suite, lexicon)
    counts = count_cases(cases)
    assert set(counts) == CAPABILITIES
    for capability, per_actor in counts.items():
        assert set(per_actor) == set(lexicon.names), capability
        assert min(per_actor.values()) >= 20, (capability, per_actor)
    kinds = {c.type for c in cases}
    assert kinds == {"mft", "inv", "dir"}
    # the same suite gives the same cases every time
    assert expand_suite(load_suite(SHIPPED_SUITE), lexicon) == cases


def test_war_reporting_suite_has_20_cases_per_actor_for_every_outcome(lexicon):
    """Victory, defeat and routine operation of each actor's own forces, read on the date of
    the 2024 offensive (the suite added after real Syria news showed the error)."""
    suite = load_suite(SHIPPED_SUITE.with_name("war_reporting.yaml"))
    assert [c.name for c in suite.capabilities] == ["battlefield"]
    cases = expand_suite(suite, lexicon)
    per_actor = count_cases(cases)["battlefield"]
    assert set(per_actor) == set(lexicon.names) and min(per_actor.values()) >= 20
    expected = {c.expect for c in cases if c.type == "mft"}
    assert expected == {(("positive",),), (("negative",),), (("neutral",),)}


# ---------------------------------------------------------------------------
# expansion
def test_templates_expand_from_lists_and_the_actor_config(tiny_suite, lexicon):
    cases = expand_suite(load_suite(tiny_suite), lexicon)
    by_test: dict[str, list] = {}
    for case in cases:
        by_test.setdefault(case.test, []).append(case)
    # one filler per slot: a test settles for the one distinct case per actor
    condemned = by_test["condemned"]
    assert [(c.pairs[0].text, c.pairs[0].actor) for c in condemned] == [
        ("A UN envoy condemned Russia in Homs.", "Russia"),
        ("A UN envoy condemned HTS in Homs.", "HTS"),
    ]
    assert condemned[0].expect == (("negative",),)
    # {actor_alias} draws from the suite's phrases; the sentence is capitalised;
    # a filler's own slot ({place} inside {act}) takes the case's filler
    harmless = {c.pairs[0].text for c in by_test["harmless debris"]}
    assert harmless == {
        "Russia shelled a market in Homs.",
        "The Kremlin shelled a market in Homs.",
        "HTS shelled a market in Homs.",
    }
    perturbed = by_test["harmless debris"][0].pairs
    assert perturbed[1].text == perturbed[0].text + " Read more"
    # {other} is another actor, scored with its own expectation
    two = by_test["two actors"][0]
    assert [p.actor for p in two.pairs] == ["Russia", "HTS"]
    assert two.pairs[0].text == "A UN envoy praised Russia and condemned HTS."
    assert two.expect == (("positive",), ("negative",)) and two.actors == ("Russia", "HTS")
    # over_actors: one case holding every actor
    (swap,) = by_test["swap"]
    assert [p.text for p in swap.pairs] == ["Russia met a UN envoy.", "HTS met a UN envoy."]
    assert swap.actors == ("Russia", "HTS")


def test_actors_default_to_the_plain_aliases_of_the_actor_config(tmp_path, lexicon):
    path = tmp_path / "plain.yaml"
    path.write_text(
        "capabilities:\n  - name: c\n    tests:\n"
        '      - {type: mft, name: t, expect: neutral, n: 40, template: "{actor_alias} met us."}\n',
        encoding="utf-8",
    )
    cases = expand_suite(load_suite(path), lexicon)
    assert {c.pairs[0].actor for c in cases} == set(lexicon.names)
    used = {c.pairs[0].text.removesuffix(" met us.") for c in cases if c.pairs[0].actor == "HTS"}
    plain = {a.text for a in lexicon.actors["HTS"] if a.text and not a.ambiguous}
    assert used and used <= {p[:1].upper() + p[1:] for p in plain}
    assert "the rebels" not in {u.lower() for u in used}  # an ambiguous alias


BAD_SUITES = [
    ("capabilities: [\n  - name: x\n", "invalid YAML at line"),
    ("suite: s\nlist: {}\ncapabilities: []\n", "unknown keys ['list']"),
    (
        "capabilities:\n  - name: neg\n    tests:\n"
        '      - {type: mft, name: t1, expect: negative, template: "{actor} in {plase}."}\n',
        "capability 'neg', test 1 ('t1'): unknown slot {plase}",
    ),
    (
        "capabilities:\n  - name: neg\n    tests:\n"
        '      - {type: mtf, name: t1, template: "{actor}."}\n',
        "capability 'neg', test 1 ('t1'): type must be one of",
    ),
    (
        "capabilities:\n  - name: neg\n    tests:\n"
        '      - {type: mft, name: ok, expect: neutral, template: "{actor}."}\n'
        '      - {type: dir, name: t2, template: "{actor}.", direction: sideways, then: "x {actor}"}\n',
        "capability 'neg', test 2 ('t2'): direction must be one of",
    ),
    (
        "capabilities:\n  - name: neg\n    tests:\n"
        '      - {type: mft, name: t1, template: "{actor}."}\n',
        "test 1 ('t1'): a mft test needs 'expect'",
    ),
    (
        "capabilities:\n  - name: neg\n    tests:\n"
        '      - {type: inv, name: t1, template: "{actor}.", perturb: ["Read more"]}\n',
        "perturb string 'Read more' has no {sentence}",
    ),
    ("date: March 2025\ncapabilities: []\n", "date: must be an ISO date"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SUITES)
def test_a_bad_suite_gives_one_line_naming_file_and_record(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CheckError) as info:
        load_suite(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "actors:\n  Russia: [Russia, Damascus]\n  HTS: [HTS]\n",
            "actors.Russia: 'Damascus' is not one mention of Russia",
        ),
        (
            "actors:\n  Iran: [Iran]\n  HTS: [HTS]\n",
            "actors.Iran: not an actor of the actor config",
        ),
        (
            "actors:\n  HTS: [HTS]\n",
            "capability 'c', test 't': the actor config 'syria' finds no mention of HTS in "
            "'A cafe serves tea.'",
        ),
    ],
)
def test_a_suite_that_disagrees_with_the_actor_config_is_refused(tmp_path, lexicon, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(
        body + "capabilities:\n  - name: c\n    tests:\n"
        '      - {type: mft, name: t, expect: neutral, actor: HTS, template: "A cafe serves tea."}\n',
        encoding="utf-8",
    )
    with pytest.raises(CheckError, match="^" + str(path)) as info:
        expand_suite(load_suite(path), lexicon)
    assert message in str(info.value)


def test_a_suite_date_lets_dated_aliases_fill_and_match(tmp_path, lexicon):
    """A dated alias ("the ousted president": Assad's from 2024-12-08) is one mention of
    its actor only on the suite's date; without one the suite is refused."""
    body = (
        "actors:\n  Assad: [the ousted president]\n"
        "capabilities:\n  - name: c\n    tests:\n"
        '      - {type: mft, name: t, expect: negative, template: "{actor} jailed critics."}\n'
    )
    path = tmp_path / "dated.yaml"
    path.write_text("date: 2025-03-01\n" + body, encoding="utf-8")
    cases = expand_suite(load_suite(path), lexicon)
    assert {p.text for c in cases for p in c.pairs} == {"The ousted president jailed critics."}
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CheckError, match="'the ousted president' is not one mention of Assad"):
        expand_suite(load_suite(path), lexicon)


# ---------------------------------------------------------------------------
# scoring
def test_pass_rates_follow_the_models_answers(tiny_suite, lexicon, tmp_path):
    model = FakeModel()
    results = check_suites(model, [load_suite(tiny_suite)], lexicon)
    tests = {t["test"]: t for t in results["tests"]}
    expected = {
        "condemned": 1.0,
        "praised but expected negative": 0.0,
        "two actors": 0.0,  # the fake ignores the actor: both get "positive"
        "harmless debris": 1.0,
        "debris that praises": 1.0,  # "condemned" comes first: still negative
        "swap": 1.0,
        "gets worse": 1.0,
        "wrongly up": 0.0,
        "flips": 0.0,
        "stays": 1.0,
    }
    assert {k: t["pass_rate"] for k, t in tests.items()} == expected
    caps = {c["capability"]: c for c in results["capabilities"]}
    assert caps["blame"]["cases"] == 4 and caps["blame"]["passed"] == 2
    assert caps["blame"]["by_actor"] == {
        "Russia": {"cases": 2, "passed": 1, "pass_rate": 0.5},
        "HTS": {"cases": 2, "passed": 1, "pass_rate": 0.5},
    }
    assert caps["direction"]["by_type"] == {"dir": {"cases": 8, "pass_rate": 0.5}}
    # the swap case counts for both actors
    assert caps["robust"]["by_actor"]["Russia"]["cases"] == 2 + 1 + 1
    failure = tests["praised but expected negative"]["failures"][0]
    assert failure["predicted"] == ["positive"] and failure["expected"] == [["negative"]]
    # one batch, each pair asked once, with its actor
    ((sentences, actors),) = model.calls
    assert len(sentences) == len(set(zip(sentences, actors, strict=True)))
    assert ("A UN envoy praised Russia and condemned HTS.", "HTS") in zip(
        sentences, actors, strict=True
    )
    out = write_results(tmp_path / "out" / "checks.json", results)
    assert json.loads(out.read_text(encoding="utf-8")) == results
    assert "failures" not in json.dumps(metrics_summary(results))


def test_a_model_with_other_labels_or_task_is_refused(tiny_suite, lexicon):
    model = FakeModel()
    model.labels = ["against", "none", "favor"]
    with pytest.raises(CheckError, match="labels .* are not among the model's labels"):
        check_suites(model, [load_suite(tiny_suite)], lexicon)
    model = FakeModel()
    model.task = "framing"
    with pytest.raises(CheckError, match="a stance suite, but the model is a framing model"):
        check_suites(model, [load_suite(tiny_suite)], lexicon)


def test_a_folder_of_suites_and_a_missing_one(tiny_suite, tmp_path, lexicon):
    results = run_checks(FakeModel(), [tmp_path], actors=lexicon)
    assert [s["name"] for s in results["suites"]] == ["tiny"]
    with pytest.raises(CheckError, match="no such suite file or folder"):
        run_checks(FakeModel(), [tmp_path / "nope.yaml"])


# ---------------------------------------------------------------------------
# a real model: the command line and the run hook
@pytest.fixture(scope="module")
def stance_run(tmp_path_factory) -> Path:
    return trained_run(tmp_path_factory.getbasetemp(), "stance")


def test_framing_check_prints_the_table_and_writes_json(stance_run, tiny_suite, tmp_path, capsys):
    out = tmp_path / "checks.json"
    code = cli_main(
        ["check", "--model", str(stance_run), "--suite", str(tiny_suite), "-o", str(out)]
    )
    assert code == 0
    table = capsys.readouterr().out
    assert "| capability | tests | cases | pass rate | Russia | HTS |" in table
    for name in ("blame", "contrast", "robust", "direction", "**all**"):
        assert f"| {name} |" in table
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["summary"]["cases"] == sum(c["cases"] for c in results["capabilities"])
    assert results["model"].startswith("tfidf_logreg@")


def test_framing_check_on_the_shipped_suite(stance_run, capsys):
    assert cli_main(["check", "--model", str(stance_run)]) == 0
    table = capsys.readouterr().out
    for name in CAPABILITIES:
        assert f"| {name} |" in table


def test_framing_check_reports_a_bad_suite_in_one_line(stance_run, tmp_path, caplog):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_SUITES[2][0], encoding="utf-8")
    assert cli_main(["check", "--model", str(stance_run), "--suite", str(bad)]) == 2
    assert BAD_SUITES[2][1] in caplog.text


def test_run_hook_puts_pass_rates_into_metrics(tmp_path, tiny_suite):
    from hydra import compose, initialize_config_dir

    import framing.run as fr

    corpus = tiny_corpus(tmp_path)
    overrides = [f"data.path={corpus}", "n_boot=20", "split.n_splits=2", "eval.checks=true"]
    with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[*overrides, f"eval.check_suites=['{tiny_suite}']"])
    metrics = fr.run(cfg, tmp_path / "run")
    on_disk = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert on_disk["checks"] == metrics["checks"]
    assert [c["capability"] for c in metrics["checks"]["capabilities"]] == [
        "blame",
        "contrast",
        "robust",
        "direction",
    ]
    details = json.loads((tmp_path / "run" / RESULTS_FILE).read_text(encoding="utf-8"))
    assert details["summary"] == metrics["checks"]["summary"]
    # save_model=false leaves nothing to check
    with pytest.raises(fr.ConfigError, match="eval.checks=true needs the run's saved model"):
        checks_metrics(cfg, tmp_path / "run-without-model")


def test_run_hook_is_off_by_default(tmp_path):
    from hydra import compose, initialize_config_dir

    import framing.run as fr

    with initialize_config_dir(str(fr.CONFIG_DIR), version_base="1.3"):
        cfg = compose("config")
    assert cfg.eval.checks is False
    assert checks_metrics(cfg, tmp_path) == {}
    assert checks_metrics(OmegaConf.create({}), tmp_path) == {}
    assert not (tmp_path / RESULTS_FILE).exists()
