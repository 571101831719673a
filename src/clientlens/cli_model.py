"""Model commands: train, evaluate, classify. They only parse, call the model layer and print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from clientlens.errors import ClientlensError


# What `train` and `evaluate` import beyond the runtime dependencies (the [train] extra).
TRAIN_MODULES = ("datasets", "transformers")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"clientlens: error: {message}", err=True)
    return typer.Exit(2)


def require_train_extra(command: str) -> None:
    """Raise ClientlensError saying how to install the training tools when one is missing."""
    from importlib.util import find_spec

    missing = [name for name in TRAIN_MODULES if find_spec(name) is None]
    if missing:
        raise ClientlensError(f"`clientlens {command}` needs the training extra ({', '.join(missing)} missing): "
                              "pip install 'clientlens[train]' (in a checkout: pip install -e '.[train]')")


def _progress():
    """Return (callback, context) for a stderr progress bar with one task per phase (steps done,
    total, time left); where stderr is no terminal, a plain line per phase and every 30 s."""
    from clientlens.cli import progress_bar

    update, bar = progress_bar("training")
    if update is None:
        return _progress_lines(), bar
    tasks: dict[str, int] = {}

    def callback(what: str, done: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = bar.add_task(what, total=total)
        bar.update(tasks[what], completed=done, total=total)

    return callback, bar


def _progress_lines():
    """Return a progress callback that prints `training: PHASE STEP/TOTAL, ETA` lines to stderr
    when a phase starts, ends, and at most every 30 seconds in between."""
    import time

    state = {"phase": None, "started": 0.0, "printed": 0.0, "first": 0}

    def callback(what: str, done: int, total: int) -> None:
        now = time.monotonic()
        kind = what.rstrip("0123456789/ ")  # "epoch 2/6" counts its steps across epochs
        if kind != state["phase"]:
            state.update(phase=kind, started=now, printed=0.0, first=done)
        if done < total and now - state["printed"] < 30 and state["printed"]:
            return
        state["printed"] = now
        rate = (done - state["first"]) / max(now - state["started"], 1e-9)
        eta = f", about {int((total - done) / rate)} s left" if rate > 0 and done < total else ""
        print(f"training: {what} {done}/{total}{eta}", file=sys.stderr, flush=True)

    return callback


def train_cmd(
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="Corpus folder (framing/ and sense/ splits)."),
    out: Path = typer.Option(Path("models/framing"), "--out", help="Model directory to write (atomically)."),
    epochs: int = typer.Option(6, "--epochs", help="Passes over the framing data."),
    seed: int = typer.Option(13, "--seed", help="Random seed (same seed, same model)."),
    limit: int = typer.Option(0, "--limit", help="Train on the first N passages only (0 = all)."),
    sense_from: Optional[Path] = typer.Option(None, "--sense-from",
                                              help="Keep the sense encoder and head of this model directory "
                                                   "instead of training them (framing data changed only)."),
    page_weight: float = typer.Option(0.0, "--page-weight",
                                      help="Weight of the page loss over the labelled train pages (0 = passages only)."),
) -> None:
    """Fine-tune the framing model on the corpus, calibrate it on dev and write it with its model card.

    A quick run (--limit, or fewer --epochs than 6) writes a model whose version says it is no
    release (1.4.3.dev0+quick)."""
    try:
        require_train_extra("train")
        from clientlens.model.train import TrainConfig, train
        from clientlens.pages import choose_page_policy, training_pages

        callback, bar = _progress()
        with bar:
            path = train(TrainConfig(corpus=corpus, out=out, epochs=epochs, seed=seed, limit=limit,
                                     sense_from=sense_from, page_weight=page_weight), callback,
                         page_policy=choose_page_policy,
                         page_examples=training_pages)
    except ClientlensError as exc:
        raise _fail(str(exc))
    except KeyboardInterrupt:
        raise _fail("interrupted: no model was written")
    card = (path / "README.md")
    typer.echo(f"wrote {path} (model card: {card})")


def evaluate_cmd(
    model: Optional[Path] = typer.Option(None, "--model", help="Model directory [default: the bundled model]."),
    split: str = typer.Option("test", "--split", help="dev, test, or a framing .jsonl file."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="Corpus folder."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Print precision, recall, F1 per label, macro-F1, a confusion matrix and calibration error."""
    try:
        require_train_extra("evaluate")
        from clientlens.model.data import load_records
        from clientlens.model.evaluate import evaluate_framing, evaluate_sense, load_for_eval

        if fmt not in ("text", "json"):
            raise ClientlensError(f"--format {fmt!r}: expected text or json")
        m = load_for_eval(model)
        results = {"framing": evaluate_framing(m, load_records(corpus, "framing", split))}
        if not split.endswith(".jsonl"):
            sense = load_records(corpus, "sense", split)
            results["sense (rules only)"] = evaluate_sense(sense)
            results["sense (rules + model)"] = evaluate_sense(sense, m)
    except ClientlensError as exc:
        raise _fail(str(exc))
    if fmt == "json":
        typer.echo(json.dumps({k: v.to_dict() for k, v in results.items()}, indent=2))
        return
    from clientlens.model.card import _confusion, _table

    for name, result in results.items():
        extra = ", ".join(f"{k} {v}" for k, v in result.extra.items())
        typer.echo(f"\n{name} on {split}: macro-F1 {result.macro_f1:.3f}, accuracy {result.accuracy:.3f}, "
                   f"ECE {result.ece:.3f}, n {result.n}" + (f"; {extra}" if extra else ""))
        typer.echo(_table(result))
        typer.echo(_confusion(result))


def classify_cmd(
    source: str = typer.Argument(..., metavar="TEXT|-|FILE.jsonl",
                                 help="A passage of text, - to read one from standard input, or a .jsonl file "
                                      "of {\"id\", \"text\"} records."),
    model: Optional[Path] = typer.Option(None, "--model", help="Model directory [default: the bundled model]."),
    fmt: str = typer.Option("text", "--format", help="text or jsonl."),
) -> None:
    """Print the framing (label and probabilities) of each passage."""
    try:
        from clientlens.model.evaluate import load_for_eval

        records = _classify_inputs(source)
        m = load_for_eval(model)
        probs = m.predict_proba([r["text"] for r in records])
    except ClientlensError as exc:
        raise _fail(str(exc))
    for record, p in zip(records, probs):
        label = max(p, key=p.get)
        if fmt == "jsonl":
            typer.echo(json.dumps({"id": record["id"], "label": label,
                                   "scores": {k: round(v, 4) for k, v in p.items()}}))
        else:
            scores = "  ".join(f"{k} {v:.2f}" for k, v in p.items())
            typer.echo(f"{record['id']}\t{label}\t{scores}")


def _classify_inputs(source: str) -> list[dict]:
    if source == "-":
        source = sys.stdin.read()
        if not source.strip():
            raise ClientlensError("nothing to classify: standard input is empty")
        return [{"id": "stdin", "text": source}]
    if not source.endswith(".jsonl"):
        if not source.strip():
            raise ClientlensError("nothing to classify: the text is empty")
        return [{"id": "text", "text": source}]
    path = Path(source)
    if not path.is_file():
        raise ClientlensError(f"{source}: no such file")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            records.append({"id": record.get("id", number), "text": str(record["text"])})
        except (ValueError, KeyError, TypeError, AttributeError):
            print(f"clientlens: warning: {source}:{number}: skipped (expected {{\"id\", \"text\"}})", file=sys.stderr)
    if not records:
        raise ClientlensError(f"{source}: no records with a \"text\" field")
    return records


def register(app: typer.Typer) -> None:
    """Add the model commands to the CLI app."""
    app.command("train")(train_cmd)
    app.command("evaluate")(evaluate_cmd)
    app.command("classify")(classify_cmd)
