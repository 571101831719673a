"""The Typer app class every clientlens command hangs on, with plain help text.

Recent typer versions print an argument as `{paths}...` in the usage line and add a type
label such as `<list[str]>` beside it in the help; neither means anything to a reader. Here
an argument is shown by its metavar (PATH..., TEXT), as click and man pages do.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand


def _is_argument(param: Any) -> bool:
    # Duck-typed: newer typer versions carry their own copy of click, older ones use click itself.
    return getattr(param, "param_type_name", "") == "argument"


def argument_name(param: Any) -> str:
    """Return how the help shows an argument: its metavar, else its name in capitals, "..." when repeated."""
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


class Command(TyperCommand):
    """A command whose usage line and help name arguments by their metavar, with no type labels."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """Return the usage line's pieces: [OPTIONS], then each argument by name."""
        params = self.get_params(ctx)
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [argument_name(p) for p in params if _is_argument(p)]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Write the Arguments and Options sections."""
        args, opts = [], []
        for param in self.get_params(ctx):
            if _is_argument(param):
                text = getattr(param, "help", None) or ""
                args.append((argument_name(param).strip("[]"), text + ("  [required]" if param.required else "")))
            else:
                record = param.get_help_record(ctx)
                if record is not None:
                    opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class App(typer.Typer):
    """typer.Typer whose commands use Command (plain help) unless told otherwise."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any):  # type: ignore[override]
        """Register a command, as typer.Typer.command does, with Command as its class."""
        return super().command(*args, cls=cls or Command, **kwargs)
