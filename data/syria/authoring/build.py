"""Build the shipped Syria corpus from the authoring batches.

    python data/syria/authoring/build.py            # writes data/syria/{articles,annotations}.jsonl, splits.json

Steps (all seeded, so the output is reproducible):

1. every article's body is its paragraphs (sentences joined by a space, paragraphs
   by a blank line); title, standfirst, byline and teaser go to metadata;
2. a fifth of the articles (``DEBRIS_SHARE``) get realistic scraping debris, the
   kinds seen in real scraped news: title and standfirst lines before the body,
   paragraphs glued with no space after the full stop, a run of dumped link text
   with the linked word missing where it belonged, and page furniture after the
   body (``• Source …``, ``• you may also like``, a byline, a broken date, share
   prompts, the teaser headline of another story);
3. every article is cleaned and split by the package itself, and each authored
   sentence is anchored to the splitter sentence it became (offsets into the
   cleaned body); sentences the splitter does not reproduce are reported;
4. the adjudicated labels of the double-annotated samples
   (``agreement/adjudication.jsonl`` and ``agreement/<split>/adjudication.jsonl``
   for a test-only split) replace the first annotator's; the first
   labels stay in each record's ``first_annotation`` so agreement can be recomputed;
5. a fixed held-out test set of 20% of the articles is drawn with a recorded seed,
   redrawn with the next seed until every actor × stance label appears at least
   ``MIN_TEST_PAIRS`` times in it.

The batches named in ``TEST_ONLY`` (``realistic``: articles written the way wire and
newspaper copy reads, issue #16) are a second, test-only set: they are written to
``splits.json``'s ``test_only`` and never trained on. They take no part in steps 2 and 5
for the other articles (so adding or removing them leaves every other article, its
debris and the fixed test split unchanged); each of them gets debris with probability
``DEBRIS_SHARE`` from its own generator (``TEST_ONLY_DEBRIS_SEED`` and its id), so one
test-only article's text does not depend on the other batches either. Batches that are
absent are skipped.
"""

from __future__ import annotations

import collections
import difflib
import json
import random
import re
import sys
from pathlib import Path

from framing.corpus import Article
from framing.io import write_jsonl
from framing.segment import Segmenter

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
DEBRIS_SEED = 1208  # 8 December: the day the regime fell
DEBRIS_SHARE = 0.2
SPLIT_SEED = 2024
TEST_SHARE = 0.2
MIN_TEST_PAIRS = 8
LINKABLE = [
    "HTS",
    "Kremlin",
    "Russia",
    "Assad",
    "Moscow",
    "Damascus",
    "Tartus",
    "Khmeimim",
    "Hmeimim",
    "Idlib",
    "Turkey",
]
TEST_ONLY = {"realistic": ("batch_6.jsonl", "batch_7.jsonl")}
TEST_ONLY_DEBRIS_SEED = 1612
CITIES = ["BEIRUT", "ISTANBUL", "DUBAI", "AMMAN", "CAIRO", "MOSCOW", "DAMASCUS", "LONDON", "DOHA"]


def load_batches() -> list[dict]:
    articles = []
    for path in sorted(HERE.glob("batch_*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                record = json.loads(line)
                record["_where"] = f"{path.name}:{lineno}"
                record["_batch"] = path.name
                articles.append(record)
    return articles


def body_of(paragraphs: list[list[str]], glue_at: set[int] = frozenset()) -> str:
    out = ""
    for i, para in enumerate(paragraphs):
        text = " ".join(para)
        if i == 0:
            out = text
        elif i in glue_at:
            out += text  # "…at the base.The runway…"
        else:
            out += "\n\n" + text
    return out


def add_debris(art: dict, sentences: list[list[str]], rng: random.Random) -> tuple[str, list[str]]:
    """Raw scraped text for one article, and the kinds of debris added."""
    kinds = []
    paragraphs = [list(p) for p in sentences]
    # link dump: a linked word vanishes from a few places and piles up in one spot
    flat = " ".join(" ".join(p) for p in paragraphs)
    candidates = [w for w in LINKABLE if len(re.findall(rf"\b{re.escape(w)}\b", flat)) >= 2]
    if candidates and rng.random() < 0.8:
        word = rng.choice(candidates)
        removed = 0
        for p in paragraphs[1:]:
            for j, s in enumerate(p):
                if removed < 3 and re.search(rf"\b{re.escape(word)}\b", s) and rng.random() < 0.5:
                    p[j] = re.sub(rf"\b{re.escape(word)}\b(?!['’]s)", "", s, count=1)
                    removed += p[j] != s
        other = rng.choice([w for w in LINKABLE if w != word])
        units = [word] * rng.randint(3, 6) + [other[:1]] + [word] * rng.randint(2, 4)
        dump = "".join(units)
        first = paragraphs[0][0]
        words = first.split(" ")
        k = rng.randint(1, max(1, min(4, len(words) - 2)))
        words[k] = words[k] + dump
        paragraphs[0][0] = " ".join(words)
        kinds.append("link_dump")
    glue_at = set()
    for i in range(1, len(paragraphs)):
        # a paragraph opening with a digit (a live blog's "09:10 GMT:") is never glued:
        # "…in 2023.09:10 GMT" reads as one number
        if (
            paragraphs[i - 1][-1].endswith((".", "”", '"'))
            and not paragraphs[i][0][:1].isdigit()
            and rng.random() < 0.6
        ):
            glue_at.add(i)
    if glue_at:
        kinds.append("glued_paragraphs")
    body = body_of(paragraphs, glue_at)
    head = art["title"] + "\n\n" + (art.get("standfirst") or "") + "\n\n\n"
    kinds.append("title_standfirst")
    city = " AND ".join(rng.sample(CITIES, 2))
    y, m, d = art["date"].split("-")
    furniture = [
        f"  • Source {art['title']}",
        "  • you may also like",
        "",
        f"    • by {city}",
        f"    • {m} {d}, {y}",
        f"    {art.get('teaser') or 'More stories from the region'}",
    ]
    if rng.random() < 0.5:
        furniture = ["Share this article", "Subscribe to our newsletter", *furniture]
    kinds.append("furniture")
    return head + body + "\n\n" + "\n".join(furniture) + "\n", kinds


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def anchor(authored: list[dict], sentences, article_id: str, problems: list[str]) -> list[dict]:
    """Pair authored sentences with splitter sentences, in order."""
    out = []
    j = 0
    for k, item in enumerate(authored):
        best = None
        for jj in range(j, min(j + 3, len(sentences))):
            score = similarity(item["text"], sentences[jj].text)
            if score >= 0.85 and (best is None or score > best[0]):
                best = (score, jj)
        if best is None:
            problems.append(
                f"{article_id} sentence {k}: not reproduced by the splitter: {item['text'][:80]!r}"
            )
            continue
        s = sentences[best[1]]
        j = best[1] + 1
        out.append(
            {
                "article_id": article_id,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "frame": item["frame"],
                "stance": dict(item["stance"]),
                "annotator": "A1",
            }
        )
    return out


def apply_adjudication(annotations: list[dict]) -> int:
    """Apply ``agreement/adjudication.jsonl`` (the corpus proper's sample) and each
    test-only split's ``agreement/<split>/adjudication.jsonl``."""
    folder = HERE.parent / "agreement"
    decisions = {}
    for path in [folder / "adjudication.jsonl", *sorted(folder.glob("*/adjudication.jsonl"))]:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                decisions[rec["id"]] = rec
    n = 0
    for ann in annotations:
        rec = decisions.get(f"{ann['article_id']}:{ann['start']}-{ann['end']}")
        if rec is None:
            continue
        ann["first_annotation"] = {"frame": ann["frame"], "stance": dict(ann["stance"])}
        ann["frame"] = rec["frame"]
        for actor, label in rec["stance"].items():
            if label == "not_about":
                ann["stance"].pop(actor, None)
            else:
                ann["stance"][actor] = label
        ann["stance"] = dict(sorted(ann["stance"].items()))
        ann["adjudicated"] = rec.get("reason", True)
        n += 1
    return n


def draw_test_split(
    article_ids: list[str], pairs_by_article: dict[str, collections.Counter]
) -> tuple[list[str], int]:
    n_test = round(TEST_SHARE * len(article_ids))
    labels = {key for c in pairs_by_article.values() for key in c}
    for seed in range(SPLIT_SEED, SPLIT_SEED + 1000):
        test = sorted(random.Random(seed).sample(article_ids, n_test))
        total = collections.Counter()
        for a in test:
            total.update(pairs_by_article[a])
        if all(total[key] >= MIN_TEST_PAIRS for key in labels):
            return test, seed
    raise SystemExit("no seed gave a test split covering every actor and label")


def main() -> int:
    batches = load_batches()
    only_of = {f: name for name, files in TEST_ONLY.items() for f in files}
    test_only = {name: [] for name in TEST_ONLY}
    for art in batches:
        if art["_batch"] in only_of:
            test_only[only_of[art["_batch"]]].append(art["id"])
    test_only = {name: sorted(ids) for name, ids in test_only.items() if ids}
    only_ids = {a for ids in test_only.values() for a in ids}
    # the corpus proper comes first; test-only articles after it, with their own debris draw
    batches = [a for a in batches if a["id"] not in only_ids] + [
        a for a in batches if a["id"] in only_ids
    ]
    main_ids = [a["id"] for a in batches if a["id"] not in only_ids]
    rng = random.Random(DEBRIS_SEED)
    debris_ids = set(rng.sample(main_ids, round(DEBRIS_SHARE * len(main_ids))))
    # one generator per test-only article: its debris does not depend on the other batches
    only_rngs = {a: random.Random(f"{TEST_ONLY_DEBRIS_SEED}:{a}") for a in sorted(only_ids)}
    debris_ids |= {a for a, r in only_rngs.items() if r.random() < DEBRIS_SHARE}
    segmenter = Segmenter()
    articles, annotations, problems = [], [], []
    pairs_by_article: dict[str, collections.Counter] = {}
    for art in batches:
        authored = [s for p in art["paragraphs"] for s in p]
        sentences = [[s["text"] for s in p] for p in art["paragraphs"]]
        meta = {
            "genre": art["genre"],
            "standfirst": art.get("standfirst") or None,
            "byline": art.get("byline") or None,
        }
        if art["id"] in debris_ids:
            raw, kinds = add_debris(art, sentences, only_rngs.get(art["id"], rng))
            meta["debris"] = kinds
        else:
            raw = body_of(sentences)
            meta["debris"] = []
        article = Article(
            id=art["id"],
            text=raw,
            title=art["title"],
            source=art["source"],
            date=art["date"],
            meta=meta,
        )
        seg = segmenter.segment(article)
        anns = anchor(authored, seg.sentences, art["id"], problems)
        annotations.extend(anns)
        articles.append(article.to_record())
        pairs_by_article[art["id"]] = collections.Counter(
            (a, lab) for x in anns for a, lab in x["stance"].items()
        )
    n_adjudicated = apply_adjudication(annotations)
    for art_id in pairs_by_article:
        pairs_by_article[art_id] = collections.Counter(
            (a, lab)
            for x in annotations
            if x["article_id"] == art_id
            for a, lab in x["stance"].items()
        )
    test_ids, seed = draw_test_split(main_ids, {a: pairs_by_article[a] for a in main_ids})
    write_jsonl(OUT / "articles.jsonl", articles)
    write_jsonl(OUT / "annotations.jsonl", annotations)
    split = {
        "seed": seed,
        "test_share": TEST_SHARE,
        "rule": f"random.Random(seed).sample of {TEST_SHARE:.0%} of article ids; seed = first from {SPLIT_SEED} "
        f"giving >= {MIN_TEST_PAIRS} pairs of every actor x stance label in test",
        "test": test_ids,
    }
    if test_only:
        split["test_only_rule"] = (
            "every article of the named authoring batches; test only, never trained on: "
            + "; ".join(f"{name}: {', '.join(TEST_ONLY[name])}" for name in test_only)
        )
        split["test_only"] = test_only
    (OUT / "splits.json").write_text(json.dumps(split, indent=2) + "\n", encoding="utf-8")
    for p in problems:
        print("problem:", p, file=sys.stderr)
    print(
        f"{len(articles)} articles ({len(debris_ids)} with debris), {len(annotations)} annotated sentences, "
        f"{len(problems)} not anchored, {n_adjudicated} adjudicated; "
        f"test split seed {seed}: {len(test_ids)} articles; "
        + ", ".join(f"test-only {k}: {len(v)} articles" for k, v in test_only.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
