"""The one ingest pipeline every doorbell ends in: claim ▸ store raw ▸ parse ▸ classify ▸
publish (``pipeline``), one message at a time or, for an IMAP catch-up, a batch at a time
(``batch``), through the same steps (``steps``)."""

from shared.service.ingest.batch import IngestBatch, Prepared, Staged
from shared.service.ingest.model import IngestOptions, IngestResult, Outcome
from shared.service.ingest.pipeline import IngestPipeline

__all__ = [
    "IngestBatch",
    "IngestOptions",
    "IngestPipeline",
    "IngestResult",
    "Outcome",
    "Prepared",
    "Staged",
]
