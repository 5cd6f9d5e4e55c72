"""Pure domain: values and logic with no I/O."""
