# Alerts from the structured logs (one JSON line per record; see shared/observability.py).
# Each metric counts one log message; tests/unit/test_infra.py checks the code logs it.
# https://cloud.google.com/logging/docs/logs-based-metrics
locals {
  alert_messages = {
    # shared/oauth/tokens.py: invalid_grant, the admin must reconnect the mailbox
    reauth_required = "OAuth grant revoked: reconnect needed"
    # shared/service/watcher/mailbox_worker.py: the server refused the credentials
    auth_error = "login refused"
    # shared/oauth/probe.py, connect.py, the watcher: the provider refused our OAuth client
    # (invalid_client / unauthorized_client); tenants' grants are left alone
    oauth_client_refused = "OAuth client refused by the provider"
    # shared/service/ingest.py: a message could not be processed and was set aside
    dead_letter = "message dead-lettered"
    # a mailbox without doorbell or sync for 3 refresh windows, or with messages waiting and
    # none handed off for 2 minutes (shared/service/health.py is_stale); logged by the
    # watcher's periodic health sweep
    stale = "mailbox stale"
  }
  alert_docs = {
    reauth_required      = "A mailbox's OAuth grant was revoked or expired. The tenant admin must press Connect again on the settings page."
    auth_error           = "A mailbox's server refused its password. Check the password or app password on the settings page."
    oauth_client_refused = "Google or Microsoft refused the platform's own OAuth client (invalid_client / unauthorized_client). Check the client id and secret in Secret Manager and the app registration; tenants need not reconnect."
    dead_letter          = "A message was dead-lettered. Inspect with `mailingest dead-letters` and `mailingest replay` after a fix."
    stale                = "A mailbox has had no doorbell and no sync for too long, or messages wait on its server and none is handed off. Check the watcher's logs and the mailbox's health (pending) on the settings page."
  }
}

resource "google_logging_metric" "mailbox_alerts" {
  for_each = local.alert_messages
  name     = "${local.name}-${replace(each.key, "_", "-")}"
  filter   = "jsonPayload.message=\"${each.value}\" AND resource.type=\"cloud_run_revision\""
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }
}

resource "google_monitoring_notification_channel" "email" {
  count        = var.alert_email == "" ? 0 : 1
  display_name = "${local.name} alerts"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

# https://cloud.google.com/monitoring/alerts/policies-in-api
resource "google_monitoring_alert_policy" "mailbox_alerts" {
  for_each     = google_logging_metric.mailbox_alerts
  display_name = "${local.name}: ${each.key}"
  combiner     = "OR"
  conditions {
    display_name = "${each.key} in the last 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${each.value.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
  documentation {
    content   = local.alert_docs[each.key]
    mime_type = "text/markdown"
  }
  alert_strategy {
    auto_close = "86400s"
  }
  notification_channels = [for c in google_monitoring_notification_channel.email : c.id]
}
