locals {
  schedules = {
    renew_watches  = { schedule = "0 */6 * * *", target = "renew_watches" }   # Gmail daily, Graph well before expiry
    refresh_tokens = { schedule = "*/10 * * * *", target = "refresh_tokens" } # tokens near expiry, idle grants probed
  }
}

resource "google_cloud_scheduler_job" "jobs" {
  for_each  = local.schedules
  name      = "${local.name}-${replace(each.key, "_", "-")}"
  region    = var.region
  schedule  = each.value.schedule
  time_zone = "Etc/UTC"
  http_target {
    http_method = "POST"
    uri         = module.functions[each.value.target].uri
    oidc_token {
      service_account_email = google_service_account.scheduler.email
    }
  }
}

# The scheduler may invoke exactly the functions it schedules.
# https://cloud.google.com/run/docs/authenticating/service-to-service
resource "google_cloud_run_service_iam_member" "scheduler_invoker" {
  for_each = local.schedules
  location = var.region
  service  = module.functions[each.value.target].service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}
