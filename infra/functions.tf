locals {
  functions = {
    gmail_push = {
      entry_point = "gmail_push"
      trigger     = "pubsub"
      topic       = google_pubsub_topic.gmail_push.id
      public      = false
    }
    graph_webhook = {
      entry_point = "graph_webhook"
      trigger     = "http"
      topic       = null
      public      = true # Graph calls it; every item's clientState is verified
    }
    graph_worker = {
      entry_point = "graph_worker"
      trigger     = "pubsub"
      topic       = google_pubsub_topic.graph_notifications.id
      public      = false
    }
    renew_watches = {
      entry_point = "renew_watches"
      trigger     = "http"
      topic       = null
      public      = false
    }
    refresh_tokens = {
      entry_point = "refresh_tokens"
      trigger     = "http"
      topic       = null
      public      = false
    }
    oauth = {
      entry_point = "oauth_start"
      trigger     = "http"
      topic       = null
      public      = true # behind the settings page's IAP session in practice; state is sealed
    }
    oauth_callback = {
      entry_point = "oauth_callback"
      trigger     = "http"
      topic       = null
      public      = true # the provider redirects the admin's browser here; state is sealed
    }
    settings = {
      entry_point = "settings"
      trigger     = "http"
      topic       = null
      public      = false # behind IAP: tenant admins are authenticated before the page
    }
  }
}

module "functions" {
  source        = "./modules/function"
  for_each      = local.functions
  name          = "${local.name}-${replace(each.key, "_", "-")}"
  entry_point   = each.value.entry_point
  region        = var.region
  source_zip    = "${var.function_source_dir}/${each.key}.zip"
  source_bucket = google_storage_bucket.function_source.name
  trigger       = each.value.trigger
  pubsub_topic  = each.value.topic
  public        = each.value.public
  env = merge(local.common_env, {
    MAILINGEST_SECRETS_BACKEND     = "secretmanager"
    MAILINGEST_OAUTH_REDIRECT_URI  = "https://${var.region}-${var.project_id}.cloudfunctions.net/${local.name}-oauth-callback"
    MAILINGEST_SETTINGS_URL        = var.settings_url
    MAILINGEST_GOOGLE_CLIENT_ID    = var.google_client_id
    MAILINGEST_MICROSOFT_CLIENT_ID = var.microsoft_client_id
  })
  secret_env = contains(["oauth", "oauth_callback", "refresh_tokens"], each.key) ? {
    MAILINGEST_GOOGLE_CLIENT_SECRET    = "mailingest-google-client-secret"
    MAILINGEST_MICROSOFT_CLIENT_SECRET = "mailingest-microsoft-client-secret"
    MAILINGEST_OAUTH_STATE_KEY         = "mailingest-state-signing-key"
  } : {}
  labels = local.labels
}
