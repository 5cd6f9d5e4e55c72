# The always-on watcher: IDLE needs live connections, so CPU stays allocated and at least one
# instance runs. https://cloud.google.com/run/docs/configuring/cpu-allocation
locals {
  watcher_env = {
    MAILINGEST_SECRETS_BACKEND = "secretmanager"
    # A message claimed by a replica that was then killed is taken over after this; it must
    # outlast the slowest honest ingest (50 MB parse + upload + publish retries, ~1 min) and
    # stays well below the pipeline's general 300 s, so a takeover after SIGKILL does not
    # hold the mailbox for five minutes.
    MAILINGEST_IN_FLIGHT_TIMEOUT_S = "120"
  }
}

resource "google_cloud_run_v2_service" "watcher" {
  name     = "${local.name}-watcher"
  location = var.region
  ingress  = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  labels   = local.labels

  template {
    service_account = google_service_account.watcher.email
    scaling {
      min_instance_count = var.watcher_min_instances
      max_instance_count = var.watcher_max_instances
    }
    containers {
      image = var.watcher_image
      resources {
        cpu_idle = false # CPU always allocated
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
      }
      dynamic "env" {
        for_each = merge(local.common_env, local.watcher_env)
        content {
          name  = env.key
          value = env.value
        }
      }
      startup_probe {
        http_get {
          path = "/healthz"
        }
      }
      liveness_probe {
        http_get {
          path = "/healthz"
        }
      }
    }
  }
}
