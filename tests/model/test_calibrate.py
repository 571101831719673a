"""Temperature scaling and the framing-mismatch threshold, chosen on labelled probabilities."""

from clientlens.model.calibrate import (choose_mismatch_threshold, fit_temperature, mismatch_candidates, nll,
                                        with_temperature)


def test_temperature_one_changes_nothing_and_higher_softens():
    p = {"client": 0.9, "customer": 0.08, "neutral": 0.02}
    assert abs(with_temperature(p, 1.0)["client"] - 0.9) < 1e-9
    assert with_temperature(p, 2.0)["client"] < 0.9 < with_temperature(p, 0.5)["client"]
    assert abs(sum(with_temperature(p, 3.0).values()) - 1) < 1e-9


def test_overconfident_predictions_get_a_temperature_above_one():
    # Right only 70% of the time, yet 99% sure: the fitted temperature must soften them.
    probs = [{"client": 0.99, "customer": 0.005, "neutral": 0.005}] * 10
    gold = ["client"] * 7 + ["customer"] * 3
    t = fit_temperature(probs, gold)
    assert t > 1.5
    assert nll(probs, gold, t) < nll(probs, gold, 1.0)


def test_underconfident_predictions_get_a_temperature_below_one():
    probs = [{"client": 0.5, "customer": 0.3, "neutral": 0.2}] * 10
    assert fit_temperature(probs, ["client"] * 10) < 1.0


def test_mismatch_candidates_are_confident_other_family_passages():
    records = [{"label": "client", "terms": ["customer"]}, {"label": "customer", "terms": ["customer"]},
               {"label": "neutral", "terms": ["customer"]}, {"label": "client", "terms": []}]
    probs = [{"client": 0.9, "customer": 0.05, "neutral": 0.05}] * 4
    # The second passage says "customer" and is read as client: a finding, and a wrong one. The
    # fourth has no family word, so no finding could fire there.
    assert mismatch_candidates(records, probs) == [(0.9, True), (0.9, False), (0.9, False)]


def test_threshold_is_the_lowest_that_keeps_precision_from_there_up():
    candidates = [(0.55, False), (0.6, False), (0.7, True), (0.75, True), (0.8, True), (0.85, True),
                  (0.9, True), (0.95, True), (0.97, True), (0.99, True)]
    threshold, table = choose_mismatch_threshold(candidates, 0.9)
    assert threshold == 0.61
    assert table["0.61"] == [1.0, 8] and table["0.5"] == [0.8, 10]


def test_threshold_is_the_highest_candidate_when_nothing_is_precise_enough():
    threshold, _ = choose_mismatch_threshold([(0.99, False), (0.995, False)], 0.9)
    assert threshold == 0.99
