"""Development-only code: the local dev stack (emulators, Secret Manager stand-in, Dovecot),
``mailingest run`` and test helpers such as ``FakeClock``. A distribution of its own
(``pyproject.toml`` here registers ``mailingest run``), installed by ``make install`` and
never shipped: the service's wheel carries only ``shared``, the function bundles ``shared``
and ``functions``, the watcher image ``shared`` and ``containers/watcher``."""
