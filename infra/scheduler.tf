# Periodic work, each job calling its function with an OIDC token of a dedicated invoker
# service account (the functions accept only authenticated, internal traffic).
# https://cloud.google.com/scheduler/docs/http-target-auth
locals {
  all_schedules = {
    # Gmail watches expire after 7 days (renew daily is Google's advice); Graph mail
    # subscriptions last at most 4230 minutes (~2.9 days): every 6 h renews both well before.
    # https://developers.google.com/gmail/api/guides/push#renewing_mailbox_watch
    # https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime
    renew_watches = { schedule = "0 */6 * * *", target = "renew_watches", body = { task = "renew" } }
    # tokens close to expiry are refreshed; a revoked grant is noticed within minutes
    refresh_tokens = { schedule = "*/10 * * * *", target = "refresh_tokens", body = {} }
    # safety net: pushes and notifications can be lost; a history/delta sync from the stored
    # cursor finds anything they missed (duplicates are dropped by the dedupe claim)
    resync = { schedule = "*/15 * * * *", target = "renew_watches", body = { task = "resync" } }
  }
  schedules = { for k, v in local.all_schedules : k => v if contains(var.deployed_functions, v.target) }
}

resource "google_cloud_scheduler_job" "jobs" {
  for_each         = local.schedules
  name             = "${local.name}-${replace(each.key, "_", "-")}"
  region           = var.region
  schedule         = each.value.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "600s"
  retry_config {
    retry_count          = 2
    min_backoff_duration = "30s"
  }
  http_target {
    http_method = "POST"
    uri         = module.functions[each.value.target].uri
    headers     = { "Content-Type" = "application/json" }
    body        = base64encode(jsonencode(each.value.body))
    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = module.functions[each.value.target].uri
    }
  }
}

# The scheduler may invoke exactly the functions it schedules.
# https://cloud.google.com/run/docs/authenticating/service-to-service
resource "google_cloud_run_service_iam_member" "scheduler_invoker" {
  for_each = toset([for s in local.schedules : s.target])
  location = var.region
  service  = module.functions[each.value].service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}
