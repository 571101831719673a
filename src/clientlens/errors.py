"""The exception hierarchy. `str()` of each is one line a user can act on."""


class ClientlensError(Exception):
    """Base of every error clientlens reports to a user (exit code 2)."""


class InputError(ClientlensError):
    """A source cannot be read or has no text to audit."""


class ConfigError(ClientlensError):
    """A configuration file or option has an unknown key or a bad value."""


class ModelError(ClientlensError):
    """A model directory is missing, incomplete or unsafe to load."""
