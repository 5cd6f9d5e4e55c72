"""Secret stores: Secret Manager (the cloud), a Fernet-encrypted file (local runs)."""

from shared.adapters.secrets.fernet_file import FernetFileStore
from shared.adapters.secrets.secret_manager import SecretManagerStore

__all__ = ["FernetFileStore", "SecretManagerStore"]
