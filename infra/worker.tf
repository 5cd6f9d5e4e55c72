# The always-on watcher: IDLE needs live connections, so CPU stays allocated and at least one
# instance runs. https://cloud.google.com/run/docs/configuring/cpu-allocation
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
        for_each = merge(local.common_env, { MAILINGEST_SECRETS_BACKEND = "secretmanager" })
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
