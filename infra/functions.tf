# The functions and how each is reached. Who may call what:
# - gmail_push: HTTP, called by the Gmail topic's push subscription with an OIDC token of a
#   dedicated pusher account (pubsub.tf); the function verifies it (audience, account).
# - graph_worker, mailbox_tasks: Eventarc Pub/Sub triggers (internal ingress, retried on
#   error).
# - graph_webhook: public (Microsoft Graph has no Google identity); it answers the validation
#   handshake and checks every notification's clientState before queueing it, against the
#   SHA-256 kept in Firestore: it reads no secret and is granted none (iam.tf).
#   https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
# - renew_watches, refresh_tokens: Cloud Scheduler with an OIDC token (internal ingress).
# - settings, oauth, oauth_callback: behind Identity-Aware Proxy on the HTTPS load balancer
#   (iap.tf). IAP, not just "authenticated", because tenant admins are people with Google
#   accounts in a browser: IAP signs them in and sends their identity, which the page maps to
#   a tenant; "require authentication" would need a Google ID token on every browser request.
#   Ingress ALLOW_INTERNAL_AND_GCLB keeps the run.app URLs from bypassing IAP.
locals {
  all_functions = {
    gmail_push = {
      source        = "gmail_push"
      entry_point   = "gmail_push"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_INTERNAL_ONLY" # Pub/Sub push counts as internal traffic
      public        = false
      timeout       = 300
      memory        = "1Gi"
      max_instances = 20
    }
    graph_webhook = {
      # must answer within 3 s (Graph), so it only verifies and queues
      source        = "graph_webhook"
      entry_point   = "graph_webhook"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_ALL"
      public        = true
      timeout       = 10
      memory        = "256M"
      max_instances = 20
    }
    graph_worker = {
      source        = "graph_worker"
      entry_point   = "graph_worker"
      trigger       = "pubsub"
      topic         = google_pubsub_topic.graph_notifications.id
      ingress       = "ALLOW_INTERNAL_ONLY"
      public        = false
      timeout       = 300
      memory        = "1Gi"
      max_instances = 20
    }
    renew_watches = {
      # lists the push mailboxes and puts them on the task topic in shards: its time does
      # not grow with the work
      source        = "renew_watches"
      entry_point   = "renew_watches"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_INTERNAL_ONLY"
      public        = false
      timeout       = 540
      memory        = "512M"
      max_instances = 2
    }
    mailbox_tasks = {
      # one shard (MAILINGEST_TASK_SHARD_MAILBOXES mailboxes) per run, as many at once as
      # there are shards, up to max_instances
      source        = "mailbox_tasks"
      entry_point   = "mailbox_tasks"
      trigger       = "pubsub"
      topic         = google_pubsub_topic.mailbox_tasks.id
      ingress       = "ALLOW_INTERNAL_ONLY"
      public        = false
      timeout       = 540
      memory        = "1Gi"
      max_instances = 100
    }
    refresh_tokens = {
      source        = "refresh_tokens"
      entry_point   = "refresh_tokens"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_INTERNAL_ONLY"
      public        = false
      timeout       = 300
      memory        = "512M"
      max_instances = 1
    }
    oauth = {
      source        = "oauth"
      entry_point   = "oauth_start"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_INTERNAL_AND_GCLB"
      public        = false
      timeout       = 30
      memory        = "256M"
      max_instances = 5
    }
    oauth_callback = {
      # same source as oauth (functions/oauth/main.py has both entry points)
      source        = "oauth"
      entry_point   = "oauth_callback"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_INTERNAL_AND_GCLB"
      public        = false
      timeout       = 30
      memory        = "256M"
      max_instances = 5
    }
    settings = {
      source        = "settings"
      entry_point   = "settings"
      trigger       = "http"
      topic         = null
      ingress       = "ALLOW_INTERNAL_AND_GCLB"
      public        = false
      timeout       = 30
      memory        = "256M"
      max_instances = 5
    }
  }
  functions = { for k, v in local.all_functions : k => v if contains(var.deployed_functions, k) }
  # each function's name, which is also its Cloud Run service's (known before it exists)
  function_names = { for k in keys(local.all_functions) : k => "${local.name}-${replace(k, "_", "-")}" }
}

module "functions" {
  source          = "./modules/function"
  for_each        = local.functions
  name            = local.function_names[each.key]
  entry_point     = each.value.entry_point
  region          = var.region
  source_zip      = "${var.function_source_dir}/${each.value.source}.zip"
  source_bucket   = google_storage_bucket.function_source.name
  trigger         = each.value.trigger
  pubsub_topic    = each.value.topic
  public          = each.value.public
  ingress         = each.value.ingress
  timeout_seconds = each.value.timeout
  memory          = each.value.memory
  max_instances   = each.value.max_instances
  # what each function is told: environment.tf
  env = merge(local.process_plain_env[each.key], {
    # pages behind IAP verify its signed header against their backend service (iap.tf)
    for k, v in { MAILINGEST_IAP_AUDIENCE = lookup(local.iap_audience, each.key, "") } : k => v if v != ""
  })
  secret_env = local.process_secret_env[each.key]
  labels     = local.labels

  # a secret env var that names a missing secret fails the deploy
  depends_on = [google_secret_manager_secret.oauth_clients]
}
