"""Development-only code: the local dev stack (emulators, Secret Manager stand-in, Dovecot),
``mailingest run`` and test helpers such as ``FakeClock``. Never shipped: the function
bundles and the watcher image carry only ``shared`` and ``functions``."""
