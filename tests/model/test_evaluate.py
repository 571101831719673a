import pytest

from clientlens.model.data import augment, swap_family
from clientlens.model.evaluate import expected_calibration_error, metrics_from_labels


def test_evaluate_metrics_from_labels():
    r = metrics_from_labels(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert r.per_label["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert r.per_label["b"]["precision"] == pytest.approx(0.6667, abs=1e-4)
    assert r.confusion == [[1, 1], [0, 2]] and r.accuracy == 0.75


@pytest.mark.parametrize("correct, confidence, expected", [
    ([True, True], [1.0, 1.0], 0.0),
    ([False, False], [0.95, 0.95], 0.95),
    ([True, False], [0.5, 0.5], 0.0),
])
def test_evaluate_calibration_error(correct, confidence, expected):
    assert expected_calibration_error(correct, confidence) == pytest.approx(expected)


@pytest.mark.parametrize("text, swapped", [
    ("Our clients stay for years.", "Our customers stay for years."),
    ("Customers' parcels ship daily; client-side code is not touched.", "Clients' parcels ship daily; customer-side code is not touched."),
    ("No family word here.", None),
])
def test_data_swap_family(text, swapped):
    assert swap_family(text) == swapped


def test_data_augment_keeps_labels():
    rows = [{"id": "1", "text": "Our clients stay.", "label": "client"}, {"id": "2", "text": "Open daily.", "label": "customer"}]
    out = augment(rows)
    assert len(out) == 3 and out[2] == {"id": "1~swap", "text": "Our customers stay.", "label": "client"}
