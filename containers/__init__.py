"""Entry points of the container images (Cloud Run), one folder per image with its
Dockerfile; the Cloud Functions are in ``functions/``."""
