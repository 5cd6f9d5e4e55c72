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

# Graph notifications are queued here by graph_webhook and worked by graph_worker.
resource "google_pubsub_topic" "graph_notifications" {
  name   = "${local.name}-graph-notifications"
  labels = local.labels
}
