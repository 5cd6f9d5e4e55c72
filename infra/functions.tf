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
      public      = true # the provider redirects the admin's browser here; state is signed
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
  env           = merge(local.common_env, { MAILINGEST_SECRETS_BACKEND = "secretmanager" })
  labels        = local.labels
}
