"""The exception hierarchy. `str()` of each is one line a user can act on."""

import logging

log = logging.getLogger("clientlens")


class ClientlensError(Exception):
    """Base of every error clientlens reports to a user (exit code 2)."""


class InputError(ClientlensError):
    """A source cannot be read or has no text to audit."""


class ConfigError(ClientlensError):
    """A configuration file or option has an unknown key or a bad value."""


class ModelError(ClientlensError):
    """A model directory is missing, incomplete or unsafe to load."""


class ConfigWarning(UserWarning):
    """A configuration file was passed over (it cannot be read and cannot be clientlens's)."""


def internal_error(name: str, exc: BaseException, doing: str) -> str:
    """Return the one-line reason for an unexpected error while `doing` something to `name`.

    The traceback goes to the "clientlens" logger at debug level (the CLI's --debug prints it).
    """
    log.debug("traceback of the error while %s %s", doing, name, exc_info=exc)
    detail = " ".join(str(exc).split())[:200]
    return (f"{name}: internal error while {doing} it ({type(exc).__name__}{': ' + detail if detail else ''}); "
            "run with --debug for the traceback")
