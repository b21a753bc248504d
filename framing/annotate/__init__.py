"""The annotation loop: export sentences to an annotation tool, import the labels back.

``segment → pre-annotate with a model → export (Label Studio or doccano) → annotators
label → import with agreement and adjudication → retrain → select what to label next``.

Modules, one job each:

* :mod:`~framing.annotate.tasks`        sentences with mentions and model scores (one
  :class:`~framing.annotate.tasks.AnnotationTask` per sentence);
* :mod:`~framing.annotate.label_studio` Label Studio tasks, predictions, config XML, and
  its JSON export read back;
* :mod:`~framing.annotate.doccano`      doccano JSONL (``label`` triples) both ways;
* :mod:`~framing.annotate.judgments`    one annotator's labels for one sentence, built
  from the spans and choices either tool returns;
* :mod:`~framing.annotate.merge`        judgments → corpus rows, conflicts, adjudication;
* :mod:`~framing.annotate.agreement`    Cohen's / Fleiss' kappa, Krippendorff's alpha;
* :mod:`~framing.annotate.selection`    active-learning strategies for ``select``;
* :mod:`~framing.annotate.cli`          the ``framing annotate`` sub-commands.

Offsets everywhere are Python code-point offsets into the *cleaned* article text
(:func:`framing.text.clean.clean_article`), the same the corpus stores.
"""
