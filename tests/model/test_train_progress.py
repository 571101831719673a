"""`clientlens train` progress where stderr is no terminal: a line per phase with steps and time left."""

from clientlens.cli_model import _progress_lines


def test_progress_lines_say_phase_steps_and_eta(capsys):
    callback = _progress_lines()
    callback("encoding train", 64, 640)
    callback("encoding train", 128, 640)  # within 30 s of the last line: not printed
    callback("encoding train", 640, 640)  # a phase's end always is
    callback("epoch 1/6", 1, 600)
    callback("epoch 2/6", 101, 600)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("training: encoding train 64/640")
    assert lines[1] == "training: encoding train 640/640"
    assert lines[2].startswith("training: epoch 1/6 1/600")
    assert len(lines) == 3  # epoch 2/6 is the same phase, 30 s have not passed
