"""The settings page the agencies asked for (handbook: settings-mockup.md)."""
