resource "google_pubsub_topic" "events" {
  name   = var.events_topic
  labels = local.labels
}

resource "google_pubsub_topic" "events_dead_letter" {
  name   = "${var.events_topic}-dead-letter"
  labels = local.labels
}

# Gmail publishes mailbox changes here (users.watch); the push goes to functions/gmail_push.
resource "google_pubsub_topic" "gmail_push" {
  name   = "${local.name}-gmail-push"
  labels = local.labels
}

# https://developers.google.com/gmail/api/guides/push#grant_publish_rights_on_your_topic
resource "google_pubsub_topic_iam_member" "gmail_publisher" {
  topic  = google_pubsub_topic.gmail_push.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:gmail-api-push@system.gserviceaccount.com"
}

# Gmail's notifications reach gmail_push by an authenticated push subscription: Pub/Sub
# attaches an OIDC token of the pusher account with our audience, which the function checks.
# https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
locals {
  gmail_push_audience = "${local.name}-gmail-push"
}

resource "google_service_account" "gmail_pusher" {
  account_id   = "${local.name}-gmail-pusher"
  display_name = "Mail Ingest Gmail push (Pub/Sub OIDC identity)"
}

resource "google_pubsub_subscription" "gmail_push" {
  count = contains(var.deployed_functions, "gmail_push") ? 1 : 0
  name  = "${local.name}-gmail-push"
  topic = google_pubsub_topic.gmail_push.id
  # a push is a doorbell: an old one is worthless (the resync job covers gaps)
  message_retention_duration = "3600s"
  ack_deadline_seconds       = 300
  push_config {
    push_endpoint = module.functions["gmail_push"].uri
    oidc_token {
      service_account_email = google_service_account.gmail_pusher.email
      audience              = local.gmail_push_audience
    }
  }
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "300s"
  }
  labels = local.labels
}

# The pusher account may invoke exactly gmail_push.
# https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
resource "google_cloud_run_service_iam_member" "gmail_pusher_invoker" {
  count    = contains(var.deployed_functions, "gmail_push") ? 1 : 0
  location = var.region
  service  = module.functions["gmail_push"].service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.gmail_pusher.email}"
}

# The scheduled renewal and resync, in shards of mailboxes: put here by renew_watches and
# worked by mailbox_tasks (one message per shard, retried on its own).
resource "google_pubsub_topic" "mailbox_tasks" {
  name   = "${local.name}-mailbox-tasks"
  labels = local.labels
}

# Graph notifications are queued here by graph_webhook and worked by graph_worker.
resource "google_pubsub_topic" "graph_notifications" {
  name   = "${local.name}-graph-notifications"
  labels = local.labels
}

# --- Subscriptions on the events topic -------------------------------------------------
# Declared here rather than in variables.tf because only this file uses it; an env's
# tfvars may set it once it moves to variables.tf (test_infra checks tfvars against that).
variable "events_subscriptions" {
  type        = set(string)
  description = "Pull subscriptions on the events topic, one per downstream consumer (named <events_topic>-<name>)."
  default     = ["mindops"]
}

locals {
  # Pub/Sub's service agent moves undeliverable messages to the dead-letter topic.
  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

# Events carry the mailbox as ordering key; ordering is a property of the subscription
# (https://cloud.google.com/pubsub/docs/ordering). A consumer that keeps failing on one
# event would block that mailbox's key, so after max_delivery_attempts the event moves to
# the dead-letter topic (https://cloud.google.com/pubsub/docs/handling-failures).
resource "google_pubsub_subscription" "events" {
  for_each                   = var.events_subscriptions
  name                       = "${var.events_topic}-${each.value}"
  topic                      = google_pubsub_topic.events.id
  enable_message_ordering    = true
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s" # 7 days, the maximum, to ride out consumer outages
  labels                     = local.labels

  expiration_policy {
    ttl = "" # never expire, even when the consumer is idle for weeks
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.events_dead_letter.id
    max_delivery_attempts = 10
  }
}

# A topic without a subscription drops what is published to it: this one keeps
# dead-lettered events for inspection and replay.
resource "google_pubsub_subscription" "events_dead_letter" {
  name                       = "${var.events_topic}-dead-letter"
  topic                      = google_pubsub_topic.events_dead_letter.id
  message_retention_duration = "604800s"
  labels                     = local.labels

  expiration_policy {
    ttl = ""
  }
}

# The service agent publishes forwarded messages to the dead-letter topic...
# https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions
resource "google_pubsub_topic_iam_member" "dead_letter_forwarder" {
  topic  = google_pubsub_topic.events_dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

# ...and acknowledges them on the source subscription.
# https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions
resource "google_pubsub_subscription_iam_member" "dead_letter_acker" {
  for_each     = google_pubsub_subscription.events
  subscription = each.value.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
