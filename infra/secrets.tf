# Per-mailbox secrets (passwords, refresh tokens) are created at run time by the service
# ("mailingest-t<len>-<tenant>-m<len>-<mailbox>-...", shared/secret_names.py); their access
# is granted by name prefix in iam.tf.
# The OAuth client secrets are created here, their values added out of band:
#   gcloud secrets versions add mailingest-google-client-secret --data-file=-
resource "google_secret_manager_secret" "oauth_clients" {
  for_each  = toset(["mailingest-google-client-secret", "mailingest-microsoft-client-secret", "mailingest-state-signing-key"])
  secret_id = each.value
  labels    = local.labels
  replication {
    auto {}
  }
}
