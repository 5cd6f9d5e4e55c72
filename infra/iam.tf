# Identities and what each may touch. Every function has its own service account (created
# by modules/function); the watcher and the scheduler invoker are created here. Grants are
# keyed by identity name (known at plan time), never by e-mail (known only after apply).
locals {
  function_members = { for k, f in module.functions : k => "serviceAccount:${f.service_account_email}" }
  watcher_member   = "serviceAccount:${google_service_account.watcher.email}"
  runtime_members  = merge({ watcher = local.watcher_member }, local.function_members)

  # identities that fetch mail: they store raw MIME and publish events
  ingest_members = {
    for k, m in local.runtime_members : k => m
    if contains(["watcher", "gmail_push", "graph_worker", "renew_watches"], k)
  }
  # identities that read, create, rotate or delete per-mailbox passwords and refresh tokens
  # (never the public graph_webhook: it reads no secret at all)
  mailbox_secret_members = {
    for k, m in local.runtime_members : k => m
    if contains(["watcher", "gmail_push", "graph_worker", "renew_watches", "refresh_tokens"], k)
  }
  # the pages that only store what an admin typed or a connect flow returned: create a
  # secret and add a version, never read or delete one (a compromised page cannot read every
  # tenant's passwords)
  mailbox_secret_writer_members = {
    for k, m in local.runtime_members : k => m
    if contains(["oauth_callback", "settings"], k)
  }
  # (identity, secret) pairs for the OAuth client secrets: what each function's secret env
  # vars name, plus the watcher (it refreshes tokens for XOAUTH2 logins)
  client_secret_grants = merge(
    merge([
      for f, envs in local.function_secret_env : {
        for s in distinct(values(envs)) : "${f}/${s}" => { member = local.function_members[f], secret = s }
      } if contains(keys(local.functions), f)
    ]...),
    {
      for s in keys(google_secret_manager_secret.oauth_clients) :
      "watcher/${s}" => { member = local.watcher_member, secret = s }
    },
  )

  secrets_prefix = "projects/${data.google_project.this.number}/secrets/"
  # Per-mailbox secrets are named mailingest-t<len>-<tenant>-m<len>-<mailbox>-{password,refresh-token}
  # (shared/secret_names.py) and
  # created at run time, so no per-secret grant can exist beforehand. The condition allows
  # creating secrets (checked on the project) and everything else only on mailingest-*
  # secrets and their versions, excluding the OAuth client secrets granted one by one above.
  # https://cloud.google.com/secret-manager/docs/access-control#conditions
  # https://cloud.google.com/iam/docs/conditions-attribute-reference#resource-name
  mailbox_secret_condition = join(" && ", concat(
    ["(resource.type == \"cloudresourcemanager.googleapis.com/Project\" || resource.name.startsWith(\"${local.secrets_prefix}mailingest-\"))"],
    [
      for s in keys(google_secret_manager_secret.oauth_clients) :
      "resource.name != \"${local.secrets_prefix}${s}\" && !resource.name.startsWith(\"${local.secrets_prefix}${s}/\")"
    ],
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

# Firestore has no per-collection or per-document IAM: datastore.user on the project is the
# narrowest grant that exists (unavoidable; allow-listed in tests/unit/test_infra.py).
# https://cloud.google.com/firestore/docs/security/iam
resource "google_project_iam_member" "firestore_users" {
  for_each = local.runtime_members
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = each.value
}

# Exactly the Secret Manager calls shared/adapters/secrets/secret_manager.py makes
# (create, add version, access, delete); no list, no IAM policy changes.
# https://cloud.google.com/secret-manager/docs/access-control#permissions
resource "google_project_iam_custom_role" "mailbox_secrets" {
  role_id     = "mailingest_${var.env}_mailbox_secrets"
  title       = "Mail Ingest mailbox secrets (${var.env})"
  description = "Create, rotate, read and delete per-mailbox secrets."
  permissions = [
    "secretmanager.secrets.create",
    "secretmanager.secrets.delete",
    "secretmanager.secrets.get",
    "secretmanager.versions.add",
    "secretmanager.versions.access",
  ]
}

# Project-level only because the secrets do not exist yet; narrowed by the name condition.
# https://cloud.google.com/iam/docs/conditions-overview
resource "google_project_iam_member" "mailbox_secrets" {
  for_each = local.mailbox_secret_members
  project  = var.project_id
  role     = google_project_iam_custom_role.mailbox_secrets.id
  member   = each.value
  condition {
    title       = "mailingest mailbox secrets only"
    description = "mailingest-* secrets except the OAuth client secrets"
    expression  = local.mailbox_secret_condition
  }
}

# What shared/adapters/secrets/secret_manager.py's put_secret needs and nothing more:
# create (an existing secret answers ALREADY_EXISTS) and add a version.
# https://cloud.google.com/secret-manager/docs/access-control#permissions
resource "google_project_iam_custom_role" "mailbox_secret_writer" {
  role_id     = "mailingest_${var.env}_mailbox_secret_writer"
  title       = "Mail Ingest mailbox secret writer (${var.env})"
  description = "Create per-mailbox secrets and add versions; no read, no delete."
  permissions = [
    "secretmanager.secrets.create",
    "secretmanager.versions.add",
  ]
}

# Project-level for the same reason as above, narrowed by the same name condition.
# https://cloud.google.com/iam/docs/conditions-overview
resource "google_project_iam_member" "mailbox_secret_writers" {
  for_each = local.mailbox_secret_writer_members
  project  = var.project_id
  role     = google_project_iam_custom_role.mailbox_secret_writer.id
  member   = each.value
  condition {
    title       = "mailingest mailbox secrets only"
    description = "mailingest-* secrets except the OAuth client secrets"
    expression  = local.mailbox_secret_condition
  }
}

# OAuth client secrets and the state key: accessor on each secret, for the identities that
# read them. https://cloud.google.com/secret-manager/docs/manage-access-to-secrets
resource "google_secret_manager_secret_iam_member" "client_secret_readers" {
  for_each  = local.client_secret_grants
  secret_id = google_secret_manager_secret.oauth_clients[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}

# Publishing events: on the mail-events topic only, and only by the identities that ingest.
# https://cloud.google.com/pubsub/docs/access-control#roles
resource "google_pubsub_topic_iam_member" "event_publishers" {
  for_each = local.ingest_members
  topic    = google_pubsub_topic.events.id
  role     = "roles/pubsub.publisher"
  member   = each.value
}

# graph_webhook only queues verified notifications for graph_worker.
# https://cloud.google.com/pubsub/docs/access-control#roles
resource "google_pubsub_topic_iam_member" "graph_queue_publisher" {
  for_each = { for k, m in local.function_members : k => m if k == "graph_webhook" }
  topic    = google_pubsub_topic.graph_notifications.id
  role     = "roles/pubsub.publisher"
  member   = each.value
}

# Raw MIME and large attachments: create/read/delete objects on the bucket only
# (objectUser has no IAM or bucket-setting permissions).
# https://cloud.google.com/storage/docs/access-control/iam-roles
resource "google_storage_bucket_iam_member" "raw_writers" {
  for_each = local.ingest_members
  bucket   = google_storage_bucket.raw.name
  role     = "roles/storage.objectUser"
  member   = each.value
}
