"""Blob stores for raw MIME and large attachments: Cloud Storage, and a local directory."""

from shared.adapters.blobs.gcs import GcsBlobStore
from shared.adapters.blobs.local_dir import LocalDirBlobStore

__all__ = ["GcsBlobStore", "LocalDirBlobStore"]
