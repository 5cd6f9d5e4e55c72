# The always-on watcher: IDLE needs live connections, so CPU stays allocated and at least one
# instance runs. https://cloud.google.com/run/docs/configuring/cpu-allocation
resource "google_cloud_run_v2_service" "watcher" {
  name     = "${local.name}-watcher"
  location = var.region
  ingress  = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  labels   = local.labels
  # a secret env var naming a missing secret, or one it may not read, fails the deploy
  depends_on = [
    google_secret_manager_secret.oauth_clients,
    google_secret_manager_secret_iam_member.client_secret_readers,
  ]

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
      # what the watcher is told: environment.tf
      dynamic "env" {
        for_each = local.process_plain_env["watcher"]
        content {
          name  = env.key
          value = env.value
        }
      }
      # OAuth client secrets and the state key, resolved at instance start (XOAUTH2 logins)
      # https://cloud.google.com/run/docs/configuring/services/secrets
      dynamic "env" {
        for_each = local.process_secret_env["watcher"]
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
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
