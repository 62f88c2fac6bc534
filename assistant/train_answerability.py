"""`vankien train`: teach the answerability model from the corpus's own questions and the train split, choose its
operating point on the dev split, and store it beside the index it was trained on.

Deterministic: the questions are drawn with a fixed seed, the answers are the answerer's, and the logistic regression
is fitted by lbfgs from zeros. Seconds on CPU beyond asking the questions once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from assistant.answerability import FEATURES, MODEL_FILE, AnswerabilityModel, certainly_unanswered, features
from assistant.evaluate import answer_correct
from assistant.retrieval.evidence import evidence_in
from assistant.training_set import Example, from_eval, generate

log = logging.getLogger(__name__)
# An answer to a question the documents do not answer costs this many refusals: few wrong answers first, then few
# refusals. A wrong answer where the documents hold one fails the user as a refusal does, and costs one (with 2 for
# it too, the dev cost kept falling past 0.4 by refusing answerable questions: 14% refused, against 4% at 0.17).
WRONG_ANSWER_COST = 2.0
# Hand-written questions weigh this much more than generated ones: they are how people really ask.
EVAL_WEIGHT = 3.0
# Chosen on dev among 0.01–1 (0.1 and 0.03 tie; a larger C gave more refusals at the chosen threshold).
REGULARISATION = 0.1


@dataclass
class Observed:
    """One question asked: its features, whether the proposed answer was right, and whether it should be refused."""

    values: dict[str, float]
    right: bool
    answerable: bool
    source: str
    ruled_out: bool = False


@dataclass
class TrainingReport:
    examples: int = 0
    positives: int = 0
    threshold: float = 0.5
    dev: dict = field(default_factory=dict)
    coefficients: dict = field(default_factory=dict)


def observe(answerer, example: Example, row: dict | None = None) -> Observed | None:
    question, answer = answerer.propose(example.question, list(example.history) if example.history else None)
    if answer.abstained:
        # Only a certain rule refused (another year asked, nothing retrieved): nothing for the model to learn.
        return Observed({}, False, example.answerable, example.source) if example.answerable else None
    if row is not None:
        right = answer_correct(row, answer.answer, False)
    else:
        right = example.answerable and evidence_in(answer.answer, example.expected or "")
    values = features(question, answer, answerer.retriever)
    # The model learns from every proposal; the operating point is chosen on what the user gets, where the gate's
    # rules refuse before the model is asked.
    return Observed(values, right, example.answerable, example.source, certainly_unanswered(question, answer, answerer.retriever))


def observe_all(answerer, examples: list[Example], rows: list[dict | None]) -> list[Observed]:
    return [o for example, row in zip(examples, rows) if (o := observe(answerer, example, row)) is not None]


def fit(observed: list[Observed]) -> AnswerabilityModel:
    """A logistic regression over standardised features: P(the proposed answer is right)."""
    from sklearn.linear_model import LogisticRegression

    usable = [o for o in observed if o.values]
    x = np.array([[o.values[name] for name in FEATURES] for o in usable], dtype=float)
    y = np.array([int(o.right) for o in usable])
    if len(set(y)) < 2:
        raise ValueError(f"cannot train answerability: all {len(y)} proposed answers are {'right' if y.any() else 'wrong'}")
    weight = np.array([EVAL_WEIGHT if o.source.startswith("eval") else 1.0 for o in usable])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION, max_iter=2000, solver="lbfgs")
    model.fit((x - mean) / scale, y, sample_weight=weight)
    return AnswerabilityModel(
        names=FEATURES, mean=tuple(map(float, mean)), scale=tuple(map(float, scale)),
        coef=tuple(map(float, model.coef_[0])), intercept=float(model.intercept_[0]),
    )


def outcomes(model: AnswerabilityModel, observed: list[Observed], threshold: float) -> dict[str, float]:
    """Right and wrong answers and refusals at one operating point."""
    right = wrong = wrong_answerable = refused_answerable = refused_unanswerable = 0
    for o in observed:
        given = bool(o.values) and not o.ruled_out and model.probability(o.values) >= threshold
        if given and o.right:
            right += 1
        elif given:
            wrong += 1
            wrong_answerable += o.answerable
        elif o.answerable:
            refused_answerable += 1
        else:
            refused_unanswerable += 1
    answerable = sum(o.answerable for o in observed) or 1
    unanswerable = sum(not o.answerable for o in observed) or 1
    return {
        "threshold": threshold, "right": right, "wrong": wrong, "cost": WRONG_ANSWER_COST * (wrong - wrong_answerable) + wrong_answerable + refused_answerable,
        "accuracy_answerable": right / answerable, "refused_answerable": refused_answerable / answerable,
        "refused_unanswerable": refused_unanswerable / unanswerable,
    }


# The cost on dev is averaged over this many grid steps either side: on a flat stretch a single step's cost is noise.
SMOOTHING_STEPS = 2


def choose_threshold(model: AnswerabilityModel, dev: list[Observed]) -> dict[str, float]:
    """The operating point with the least cost on dev, averaged over its neighbours; among equals, the one with
    fewer wrong answers, then the lowest (fewer refusals)."""
    grid = [round(t, 2) for t in np.arange(0.05, 0.96, 0.01)]
    results = [outcomes(model, dev, t) for t in grid]
    smoothed = [
        float(np.mean([r["cost"] for r in results[max(0, i - SMOOTHING_STEPS) : i + SMOOTHING_STEPS + 1]]))
        for i in range(len(results))
    ]
    best = min(range(len(results)), key=lambda i: (smoothed[i], results[i]["wrong"], results[i]["threshold"]))
    return results[best]


def train(answerer, index, registry, train_rows: list[dict], dev_rows: list[dict]) -> tuple[AnswerabilityModel, TrainingReport]:
    """Fit on the corpus's questions and the train split; choose the threshold on dev."""
    generated = generate(registry, index.chunks)
    examples = generated + from_eval(train_rows)
    rows: list[dict | None] = [None] * len(generated) + list(train_rows)
    observed = observe_all(answerer, examples, rows)
    model = fit(observed)
    report = TrainingReport(examples=len(observed), positives=sum(o.right for o in observed))
    if dev_rows:
        dev = observe_all(answerer, from_eval(dev_rows), list(dev_rows))
        chosen = choose_threshold(model, dev)
        report.dev = chosen
        report.threshold = chosen["threshold"]
    model = AnswerabilityModel(
        names=model.names, mean=model.mean, scale=model.scale, coef=model.coef, intercept=model.intercept,
        threshold=report.threshold,
        trained_on={"examples": report.examples, "positives": report.positives, "build_id": index.meta.build_id},
    )
    report.coefficients = dict(zip(model.names, (round(c, 3) for c in model.coef)))
    return model, report


def train_and_store(services, with_eval: bool = True) -> TrainingReport:
    """Train on the index currently published and store the model in its build folder."""
    from assistant.evaluate import load_split
    from ingest.registry import Registry

    index = services.index()
    answerer = services.answerer(gated=False)
    registry = Registry(index.registry_path)
    try:
        train_rows = load_split("train") if with_eval else []
        dev_rows = load_split("dev") if with_eval else []
        model, report = train(answerer, index, registry, train_rows, dev_rows)
    finally:
        registry.close()
    model.save(index.build_dir / MODEL_FILE)
    log.info("answerability model stored in %s", index.build_dir / MODEL_FILE)
    return report
