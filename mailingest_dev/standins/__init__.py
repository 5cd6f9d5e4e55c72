"""Local stand-ins for provider APIs (development and tests only)."""
