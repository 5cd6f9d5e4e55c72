"""Development-only code: the local dev stack (emulators, Secret Manager stand-in, Dovecot),
``mailingest run`` and test helpers such as ``FakeClock``. Never shipped: the function
bundles carry only ``shared`` and ``functions``, the watcher image ``shared`` and
``containers/watcher``."""
