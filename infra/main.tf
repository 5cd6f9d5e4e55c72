locals {
  name   = "mailingest-${var.env}"
  labels = merge({ app = "mailingest", env = var.env }, var.labels)
  common_env = {
    GOOGLE_CLOUD_PROJECT      = var.project_id
    MAILINGEST_EVENTS_TOPIC   = var.events_topic
    MAILINGEST_BLOBS_BACKEND  = "gcs"
    MAILINGEST_BLOB_BUCKET    = google_storage_bucket.raw.name
    MAILINGEST_STATE_BACKEND  = "firestore"
    MAILINGEST_EVENTS_BACKEND = "pubsub"
    MAILINGEST_LOG_LEVEL      = "INFO"
    # Gmail: the topic users.watch names, and who may ring gmail_push (pubsub.tf)
    MAILINGEST_GMAIL_TOPIC          = google_pubsub_topic.gmail_push.id
    MAILINGEST_PUSH_AUDIENCE        = local.gmail_push_audience
    MAILINGEST_PUSH_SERVICE_ACCOUNT = google_service_account.gmail_pusher.email
  }
}

data "google_project" "this" {}

resource "google_project_service" "apis" {
  for_each = toset([
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "eventarc.googleapis.com",
    "pubsub.googleapis.com",
    "firestore.googleapis.com",
    "secretmanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "gmail.googleapis.com",
    "compute.googleapis.com",
    "iap.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "iam.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}
