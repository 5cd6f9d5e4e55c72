# Alerts from the structured logs (one JSON line per record; see shared/observability.py).
# https://cloud.google.com/logging/docs/logs-based-metrics

resource "google_logging_metric" "mailbox_alerts" {
  for_each = {
    reauth_required = "jsonPayload.message=\"OAuth grant revoked: reconnect needed\""
    auth_error      = "jsonPayload.message=\"login refused\""
    dead_letter     = "jsonPayload.message=\"message dead-lettered\""
  }
  name   = "${local.name}-${replace(each.key, "_", "-")}"
  filter = each.value
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
  notification_channels = [for c in google_monitoring_notification_channel.email : c.id]
}
