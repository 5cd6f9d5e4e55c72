# Identities and what each may touch. Every function has its own service account (created
# by modules/function); the watcher and the scheduler invoker are created here. Grants are
# keyed by identity name (known at plan time), never by e-mail (known only after apply).
locals {
  function_members = { for k, f in module.functions : k => "serviceAccount:${f.service_account_email}" }
  watcher_member   = "serviceAccount:${google_service_account.watcher.email}"
  runtime_members  = merge({ watcher = local.watcher_member }, local.function_members)

  # What each identity touches, as its code does (tests/unit/test_grants_from_code.py derives
  # every entry below from the code it runs and fails on a difference either way).
  # Topics it publishes to, by the topic resource (pubsub.tf).
  topic_publishers = {
    events              = ["watcher", "gmail_push", "graph_worker", "mailbox_tasks"]
    graph_notifications = ["graph_webhook"]
    mailbox_tasks       = ["renew_watches", "settings"]
  }
  topic_ids = {
    events              = google_pubsub_topic.events.id
    graph_notifications = google_pubsub_topic.graph_notifications.id
    mailbox_tasks       = google_pubsub_topic.mailbox_tasks.id
  }
  # The raw bucket (raw MIME, large attachments): write = ingest (an upload may replace an
  # object: create + delete), read = the settings page's label corrections (the raw message
  # a template is learned from).
  raw_bucket_access = {
    watcher       = "write"
    gmail_push    = "write"
    graph_worker  = "write"
    mailbox_tasks = "write"
    settings      = "read"
  }
  bucket_roles = {
    write = "roles/storage.objectUser"
    read  = "roles/storage.objectViewer"
  }
  # Per-mailbox secrets, by kind (the name prefixes of shared/secret_names.py) and by the
  # SecretStore operations the identity calls on them. No page and no public function reads
  # a password; the settings page reads refresh tokens only to start / stop a Gmail watch or a
  # Graph subscription when an admin enables, disables or removes a mailbox.
  secret_prefixes = {
    password             = "mailingest-password-"
    "refresh-token"      = "mailingest-refresh-token-"
    "graph-subscription" = "mailingest-graph-subscription-"
  }
  # the Secret Manager calls behind each operation (shared/adapters/secrets/secret_manager.py)
  # https://cloud.google.com/secret-manager/docs/access-control#permissions
  secret_operations = {
    get_secret              = ["secretmanager.versions.access"]
    put_secret              = ["secretmanager.secrets.create", "secretmanager.versions.add"]
    destroy_versions_before = ["secretmanager.versions.list", "secretmanager.versions.destroy"]
    delete_secret           = ["secretmanager.secrets.delete"]
  }
  # a refreshed token may rotate: read it, store the new one, destroy what it superseded
  mailbox_secret_access = {
    watcher = {
      password        = ["get_secret"]
      "refresh-token" = ["get_secret", "put_secret", "destroy_versions_before"]
    }
    gmail_push = {
      "refresh-token" = ["get_secret", "put_secret", "destroy_versions_before"]
    }
    graph_worker = {
      "refresh-token"      = ["get_secret", "put_secret", "destroy_versions_before"]
      "graph-subscription" = ["delete_secret"]
    }
    mailbox_tasks = {
      "refresh-token"      = ["get_secret", "put_secret", "destroy_versions_before"]
      "graph-subscription" = ["delete_secret"]
    }
    refresh_tokens = {
      "refresh-token" = ["get_secret", "put_secret", "destroy_versions_before"]
    }
    oauth_callback = {
      "refresh-token"      = ["put_secret"]
      "graph-subscription" = ["delete_secret"]
    }
    settings = {
      password             = ["put_secret", "delete_secret"]
      "refresh-token"      = ["get_secret", "put_secret", "destroy_versions_before", "delete_secret"]
      "graph-subscription" = ["delete_secret"]
    }
  }
  mailbox_secret_bindings = merge([
    for who, kinds in local.mailbox_secret_access : merge([
      for kind, operations in kinds : {
        for op in operations : "${who}/${kind}/${op}" => { member = local.runtime_members[who], kind = kind, operation = op }
      }
    ]...) if contains(keys(local.runtime_members), who)
  ]...)

  # (identity, secret) pairs for the OAuth client secrets and the state key: what each
  # process's secret environment variables name (environment.tf)
  client_secret_grants = merge([
    for who, envs in local.process_secret_env : {
      for s in distinct(values(envs)) : "${who}/${s}" => { member = local.runtime_members[who], secret = s }
    } if contains(keys(local.runtime_members), who)
  ]...)

  secrets_prefix = "projects/${data.google_project.this.number}/secrets/"
  # Per-mailbox secrets are created at run time, so no per-secret grant can exist beforehand:
  # a grant on the project, conditioned on the kind's name prefix (a secret and its versions).
  # Creating is checked on the project, whose name no prefix matches: put_secret's condition
  # lets that through too (IAM cannot limit the name of a secret being created; it can limit
  # adding a version to it).
  # https://cloud.google.com/secret-manager/docs/access-control#conditions
  # https://cloud.google.com/iam/docs/conditions-attribute-reference#resource-name
  secret_conditions = {
    for kind, prefix in local.secret_prefixes : kind => {
      only = "resource.name.startsWith(\"${local.secrets_prefix}${prefix}\")"
      create = join(" || ", [
        "resource.type == \"cloudresourcemanager.googleapis.com/Project\"",
        "resource.name.startsWith(\"${local.secrets_prefix}${prefix}\")",
      ])
    }
  }
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

# One role per SecretStore operation: exactly the calls the adapter makes for it.
# https://cloud.google.com/secret-manager/docs/access-control#permissions
resource "google_project_iam_custom_role" "secret_operations" {
  for_each    = local.secret_operations
  role_id     = "mailingest_${var.env}_${each.key}"
  title       = "Mail Ingest ${each.key} (${var.env})"
  description = "What SecretStore.${each.key} calls on Secret Manager."
  permissions = each.value
}

# Project-level only because per-mailbox secrets do not exist yet; each grant is narrowed to
# one kind's name prefix. https://cloud.google.com/iam/docs/conditions-overview
resource "google_project_iam_member" "mailbox_secrets" {
  for_each = local.mailbox_secret_bindings
  project  = var.project_id
  role     = google_project_iam_custom_role.secret_operations[each.value.operation].id
  member   = each.value.member
  condition {
    title       = "mailingest ${each.value.kind} secrets only"
    description = "${each.value.operation} on ${local.secret_prefixes[each.value.kind]}* secrets"
    expression  = each.value.operation == "put_secret" ? local.secret_conditions[each.value.kind].create : local.secret_conditions[each.value.kind].only
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

# Publishing: on each topic, only the identities whose code publishes there.
# https://cloud.google.com/pubsub/docs/access-control#roles
resource "google_pubsub_topic_iam_member" "publishers" {
  for_each = merge([
    for topic, who in local.topic_publishers : {
      for w in who : "${topic}/${w}" => { topic = local.topic_ids[topic], member = local.runtime_members[w] }
      if contains(keys(local.runtime_members), w)
    }
  ]...)
  topic  = each.value.topic
  role   = "roles/pubsub.publisher"
  member = each.value.member
}

# Raw MIME and large attachments: object roles on the bucket only (no IAM or bucket-setting
# permissions). https://cloud.google.com/storage/docs/access-control/iam-roles
resource "google_storage_bucket_iam_member" "raw_bucket" {
  for_each = { for who, access in local.raw_bucket_access : who => access if contains(keys(local.runtime_members), who) }
  bucket   = google_storage_bucket.raw.name
  role     = local.bucket_roles[each.value]
  member   = local.runtime_members[each.key]
}
