# One Cloud Functions (2nd gen) function with its own service account.
# Pattern: cloud-foundation-fabric modules/cloud-function-v2.
data "google_project" "this" {}

resource "google_service_account" "this" {
  # account ids are 6-30 characters of [a-z0-9-]
  account_id   = substr(replace(var.name, "_", "-"), 0, 30)
  display_name = "Function ${var.name}"
}

# The object is named by the zip's content hash, so a code change redeploys and an unchanged
# one does not (the zip is built deterministically by infra/scripts/package_function.py).
resource "google_storage_bucket_object" "source" {
  name   = "${var.name}/${filesha256(var.source_zip)}.zip"
  bucket = var.source_bucket
  source = var.source_zip
}

resource "google_cloudfunctions2_function" "this" {
  name     = var.name
  location = var.region
  labels   = var.labels

  build_config {
    runtime     = "python311"
    entry_point = var.entry_point
    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.this.email
    timeout_seconds                = var.timeout_seconds
    min_instance_count             = var.min_instances
    max_instance_count             = var.max_instances
    available_memory               = var.memory
    ingress_settings               = var.ingress
    all_traffic_on_latest_revision = true
    environment_variables          = var.env
    # Secrets reach the function as environment variables resolved at instance start, never
    # as values in Terraform state. https://cloud.google.com/functions/docs/configuring/secrets
    dynamic "secret_environment_variables" {
      for_each = var.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = data.google_project.this.number
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  dynamic "event_trigger" {
    for_each = var.trigger == "pubsub" ? [1] : []
    content {
      trigger_region = var.region
      event_type     = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic   = var.pubsub_topic
      # raise = redeliver: without this an exception drops the event.
      # https://cloud.google.com/functions/docs/bestpractices/retries
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.this.email
    }
  }
}

# The Eventarc trigger pushes with the function's own identity, which must be allowed to
# invoke the service behind the function.
# https://cloud.google.com/functions/docs/calling/pubsub#trigger_identity
resource "google_cloud_run_service_iam_member" "trigger_invoker" {
  count    = var.trigger == "pubsub" ? 1 : 0
  location = var.region
  service  = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.this.email}"
}

# Unauthenticated invocation, only for callers that cannot present a Google identity
# (Microsoft Graph change notifications). https://cloud.google.com/run/docs/authenticating/public
resource "google_cloud_run_service_iam_member" "public" {
  count    = var.public ? 1 : 0
  location = var.region
  service  = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}
