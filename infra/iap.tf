# The settings page and the OAuth connect flow behind Identity-Aware Proxy on a global
# external HTTPS load balancer with serverless NEGs. IAP signs the tenant admin in with a
# Google account and signs each request (X-Goog-IAP-JWT-Assertion, audience = the backend
# service), which shared/web/identity.py verifies and the page maps to a tenant. The functions' ingress (ALLOW_INTERNAL_AND_GCLB) stops the run.app URLs from
# bypassing IAP. https://cloud.google.com/iap/docs/enabling-cloud-run
locals {
  settings_host = regex("^https://([^/]+)", var.settings_url)[0]
  # path on the settings host => function; everything else is the settings page
  iap_routes    = { settings = "/*", oauth = "/oauth_start", oauth_callback = "/oauth_callback" }
  iap_functions = { for k, path in local.iap_routes : k => path if contains(keys(local.functions), k) }
  # created when IAP is first used in the project
  iap_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-iap.iam.gserviceaccount.com"
  # the audience of the signed header IAP adds in front of each function (MAILINGEST_IAP_AUDIENCE)
  iap_audience = {
    for k, b in google_compute_backend_service.iap :
    k => "/projects/${data.google_project.this.number}/global/backendServices/${b.generated_id}"
  }
}

resource "google_compute_region_network_endpoint_group" "iap" {
  for_each              = local.iap_functions
  name                  = "${local.name}-${replace(each.key, "_", "-")}-neg"
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    # a gen2 function's Cloud Run service carries the function's name; naming it here (not
    # the module's output) lets each function be told its backend's IAP audience
    service = "${local.name}-${replace(each.key, "_", "-")}"
  }
}

resource "google_compute_backend_service" "iap" {
  for_each              = local.iap_functions
  name                  = "${local.name}-${replace(each.key, "_", "-")}"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  backend {
    group = google_compute_region_network_endpoint_group.iap[each.key].id
  }
  iap {
    enabled = true
  }
}

resource "google_compute_url_map" "settings" {
  count           = contains(keys(local.iap_functions), "settings") ? 1 : 0
  name            = "${local.name}-settings"
  default_service = google_compute_backend_service.iap["settings"].id
  host_rule {
    hosts        = [local.settings_host]
    path_matcher = "settings"
  }
  path_matcher {
    name            = "settings"
    default_service = google_compute_backend_service.iap["settings"].id
    dynamic "path_rule" {
      for_each = { for k, path in local.iap_functions : k => path if k != "settings" }
      content {
        paths   = [path_rule.value]
        service = google_compute_backend_service.iap[path_rule.key].id
      }
    }
  }
}

resource "google_compute_managed_ssl_certificate" "settings" {
  count = length(google_compute_url_map.settings)
  name  = "${local.name}-settings"
  managed {
    domains = [local.settings_host]
  }
}

resource "google_compute_target_https_proxy" "settings" {
  count            = length(google_compute_url_map.settings)
  name             = "${local.name}-settings"
  url_map          = google_compute_url_map.settings[0].id
  ssl_certificates = [google_compute_managed_ssl_certificate.settings[0].id]
}

resource "google_compute_global_address" "settings" {
  count = length(google_compute_url_map.settings)
  name  = "${local.name}-settings"
}

resource "google_compute_global_forwarding_rule" "settings" {
  count                 = length(google_compute_url_map.settings)
  name                  = "${local.name}-settings"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.settings[0].address
  port_range            = "443"
  target                = google_compute_target_https_proxy.settings[0].id
}

# Who gets through IAP: the tenant admins (the page then checks which tenant each may see).
# https://cloud.google.com/iap/docs/managing-access
resource "google_iap_web_backend_service_iam_member" "admins" {
  for_each = {
    for pair in setproduct(keys(local.iap_functions), var.settings_admins) :
    "${pair[0]}/${pair[1]}" => { backend = pair[0], member = pair[1] }
  }
  web_backend_service = google_compute_backend_service.iap[each.value.backend].name
  role                = "roles/iap.httpsResourceAccessor"
  member              = each.value.member
}

# IAP calls the functions with its own service agent, which must be an invoker.
# https://cloud.google.com/iap/docs/enabling-cloud-run#enable-from-iap
resource "google_cloud_run_service_iam_member" "iap_invoker" {
  for_each = local.iap_functions
  location = var.region
  service  = module.functions[each.key].service_name
  role     = "roles/run.invoker"
  member   = local.iap_agent
}
