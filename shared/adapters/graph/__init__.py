"""Microsoft Graph mail adapter (``shared.ports.GraphApi``)."""

from shared.adapters.graph.api import HttpxGraphApi, TokenGraphApis, map_response

__all__ = ["HttpxGraphApi", "TokenGraphApis", "map_response"]
