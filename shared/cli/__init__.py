"""The ``mailingest`` command line."""
