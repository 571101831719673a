"""render_github: one GitHub Actions workflow command per finding, shown as an annotation.

The escaping follows `@actions/core` (toolkit `command.ts`): the message escapes % CR LF,
and property values also escape `:` and `,`, which would otherwise end the value.
"""

from __future__ import annotations

from clientlens.report.common import excerpt_marked
from clientlens.report.sarif import exact_spans, split_record
from clientlens.types import DocumentReport, Finding, SiteReport

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Return `text` escaped for the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Return `text` escaped for a property value (file=, title=) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(doc: DocumentReport, f: Finding, spans: set[tuple[int, int]]) -> str:
    """Return the `::warning file=...,line=...,col=...,title=rule::message` line of one finding."""
    file, record = split_record(doc.path)
    props: list[tuple[str, str]] = []
    if "://" not in file:  # a crawled URL is no file in the repository
        props.append(("file", file))
    if record is None:
        props += [("line", str(max(f.line, 1))), ("col", str(max(f.column, 1)))]
        if (f.start, f.end) in spans:
            props += [("endLine", str(max(f.line, 1))), ("endColumn", str(max(f.column, 1) + f.end - f.start))]
    title = f.rule if record is None else f"{f.rule} (record {record})"
    props.append(("title", title))
    message = f.message + (f" -> {f.suggestion}" if f.suggestion else "")
    if "://" in file:
        message = f"{file}: {message}"
    if f.excerpt is not None:
        message += "\n" + excerpt_marked(f)  # the annotation's second line: the sentence, the word marked
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[f.severity.value]} {head}::{escape_data(message)}"


def render_github(report: SiteReport) -> str:
    """Return one annotation line per finding (empty when there are none).

    Paths are written as the audit received them; run the audit from the repository root
    with relative paths so that GitHub can place the annotations on the files.
    """
    lines = []
    for doc in report.documents:
        spans = exact_spans(doc)
        lines.extend(annotation(doc, f, spans) for f in doc.findings)
    return "".join(line + "\n" for line in lines)
