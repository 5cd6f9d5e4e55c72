locals {
  # every identity that runs the pipeline: the watcher and each function
  runtime_members = toset(concat(
    ["serviceAccount:${google_service_account.watcher.email}"],
    [for f in module.functions : "serviceAccount:${f.service_account_email}"],
  ))
}

resource "google_service_account" "watcher" {
  account_id   = "${local.name}-watcher"
  display_name = "Mail Ingest IMAP/POP3 watcher"
}

resource "google_service_account" "scheduler" {
  account_id   = "${local.name}-scheduler"
  display_name = "Mail Ingest scheduler invoker"
}

# Firestore has no per-collection IAM: datastore.user on the project is the narrowest role.
# https://cloud.google.com/firestore/docs/security/iam
resource "google_project_iam_member" "firestore_users" {
  for_each = local.runtime_members
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = each.value
}

# Publishing events: on the topic only.
# https://cloud.google.com/pubsub/docs/access-control
resource "google_pubsub_topic_iam_member" "event_publishers" {
  for_each = local.runtime_members
  topic    = google_pubsub_topic.events.id
  role     = "roles/pubsub.publisher"
  member   = each.value
}

# Raw MIME and attachments: on the bucket only.
# https://cloud.google.com/storage/docs/access-control/iam-roles
resource "google_storage_bucket_iam_member" "raw_writers" {
  for_each = local.runtime_members
  bucket   = google_storage_bucket.raw.name
  role     = "roles/storage.objectAdmin"
  member   = each.value
}

# Mailbox secrets are created at run time, so access is granted on the project with an IAM
# condition restricting it to secrets named mailingest-*.
# https://cloud.google.com/secret-manager/docs/access-control#conditions
resource "google_project_iam_member" "secret_access" {
  for_each = local.runtime_members
  project  = var.project_id
  role     = "roles/secretmanager.admin"
  member   = each.value
  condition {
    title      = "mailingest secrets only"
    expression = "resource.name.extract('secrets/{name}/').startsWith('mailingest-')"
  }
}
