"""benchmarks/sentence_boundaries.py: a GUM-style CoNLL-U document rebuilt and scored."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import sentence_boundaries as sb  # noqa: E402

from framing.text.sentences import SentenceSplitter  # noqa: E402

CONLLU = """# newdoc id = GUM_news_port
# newpar
# sent_id = GUM_news_port-1
# text = Port talks resume in Tartus
1\tPort\tport\tNOUN\tNN\t_\t0\troot\t_\t_

# newpar
# sent_id = GUM_news_port-2
# text = Negotiators met on Monday.
1\tNegotiators\tnegotiator\tNOUN\tNNS\t_\t0\troot\t_\t_

# sent_id = GUM_news_port-3
# text = Dr. Haddad said the talks went well.
1\tDr.\tDr.\tPROPN\tNNP\t_\t0\troot\t_\t_

# sent_id = GUM_news_port-4
# text = A deal is not expected before summer.
1\tA\ta\tDET\tDT\t_\t0\troot\t_\t_

"""


def _doc(tmp_path):
    path = tmp_path / "GUM_news_port.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    return sb.read_document(path)


def test_document_is_rebuilt_with_gold_spans(tmp_path):
    doc = _doc(tmp_path)
    assert doc.name == "port"
    assert doc.text.startswith("Port talks resume in Tartus\n\nNegotiators met on Monday. Dr.")
    assert [doc.text[a:b] for a, b in doc.sentences][2] == "Dr. Haddad said the talks went well."
    assert doc.paragraph_ends == {len("Port talks resume in Tartus"), len(doc.text)}
    assert sb.split_of("nasa") == "test" and sb.split_of("iodine") == "dev"
    assert sb.split_of("port") == "train"


def test_scores_count_boundaries_inside_paragraphs(tmp_path):
    doc = _doc(tmp_path)
    result = sb.score(SentenceSplitter("sentencex"), [doc])
    assert result["boundaries"] == 2  # after "Monday." and after "well."
    assert result["f1"] == 1.0 and result["exact_sentences"] == 1.0
    naive = sb.score(SentenceSplitter("regex", prepass=False), [doc])
    assert naive["precision"] < 1.0  # breaks after "Dr."
    assert naive["errors"][0]["kind"] == "split"
