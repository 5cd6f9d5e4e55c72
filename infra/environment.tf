# What each deployed process is told: environment variables in groups, by the settings reader
# of shared/config.py that reads them, and which groups each process gets.
# tests/unit/test_grants_from_code.py derives from the code which readers each process runs,
# which settings it uses and which of them hold secrets, and checks every process gets what
# it needs, nothing it never reads, nothing for local runs only, and secret values only
# through Secret Manager.
locals {
  env_groups = {
    # Settings (every process)
    core = {
      GOOGLE_CLOUD_PROJECT       = var.project_id
      MAILINGEST_STATE_BACKEND   = "firestore"
      MAILINGEST_EVENTS_BACKEND  = "pubsub"
      MAILINGEST_SECRETS_BACKEND = "secretmanager"
      MAILINGEST_BLOBS_BACKEND   = "gcs"
      MAILINGEST_BLOB_BUCKET     = google_storage_bucket.raw.name
      MAILINGEST_EVENTS_TOPIC    = google_pubsub_topic.events.name
      MAILINGEST_LOG_LEVEL       = "INFO"
      # Gmail: the topic users.watch names, and who may ring gmail_push (pubsub.tf)
      MAILINGEST_GMAIL_TOPIC          = google_pubsub_topic.gmail_push.id
      MAILINGEST_PUSH_AUDIENCE        = local.gmail_push_audience
      MAILINGEST_PUSH_SERVICE_ACCOUNT = google_service_account.gmail_pusher.email
      # Graph: where subscriptions post (graph_webhook), and its queue to graph_worker
      MAILINGEST_GRAPH_NOTIFICATION_URL = local.graph_notification_url
      MAILINGEST_GRAPH_QUEUE_TOPIC      = google_pubsub_topic.graph_notifications.name
      # the scheduled renewal and resync: renew_watches → mailbox_tasks
      MAILINGEST_TASKS_TOPIC = google_pubsub_topic.mailbox_tasks.name
    }
    # OAuthSettings: the processes that refresh tokens or run the connect flow; the browser
    # flow runs on the IAP load balancer's host (iap.tf routes these paths)
    oauth = {
      MAILINGEST_OAUTH_REDIRECT_URI  = "${trimsuffix(var.settings_url, "/")}/oauth_callback"
      MAILINGEST_SETTINGS_URL        = var.settings_url
      MAILINGEST_GOOGLE_CLIENT_ID    = var.google_client_id
      MAILINGEST_MICROSOFT_CLIENT_ID = var.microsoft_client_id
    }
    # PageSettings: the pages behind IAP (each is also told its IAP audience: functions.tf)
    pages = {
      MAILINGEST_OAUTH_START_URL = "/oauth_start"
    }
    # the watcher's own: a message claimed by a replica that was then killed is taken over
    # after this; it must outlast the slowest honest ingest (50 MB parse + upload + publish
    # retries, ~1 min) and stays well below the pipeline's general 300 s, so a takeover after
    # SIGKILL does not hold the mailbox for five minutes
    watcher = {
      MAILINGEST_IN_FLIGHT_TIMEOUT_S = "120"
    }
  }

  # Secret Manager secrets (secrets.tf) read as environment variables, resolved at instance
  # start and never kept in Terraform state.
  secret_env_groups = {
    oauth = {
      MAILINGEST_GOOGLE_CLIENT_SECRET    = "mailingest-google-client-secret"
      MAILINGEST_MICROSOFT_CLIENT_SECRET = "mailingest-microsoft-client-secret"
      MAILINGEST_OAUTH_STATE_KEY         = "mailingest-state-signing-key"
    }
    # the state key also keys the settings page's CSRF tokens (PageSettings)
    pages = {
      MAILINGEST_OAUTH_STATE_KEY = "mailingest-state-signing-key"
    }
  }

  # graph_webhook reads no OAuth setting and no secret: it is public (functions.tf)
  process_env = {
    gmail_push     = ["core", "oauth"]
    graph_webhook  = ["core"]
    graph_worker   = ["core", "oauth"]
    renew_watches  = ["core"]
    mailbox_tasks  = ["core", "oauth"]
    refresh_tokens = ["core", "oauth"]
    oauth          = ["core", "oauth", "pages"]
    oauth_callback = ["core", "oauth", "pages"]
    settings       = ["core", "oauth", "pages"]
    watcher        = ["core", "oauth", "watcher"]
  }
  process_plain_env  = { for p, groups in local.process_env : p => merge([for g in groups : lookup(local.env_groups, g, {})]...) }
  process_secret_env = { for p, groups in local.process_env : p => merge([for g in groups : lookup(local.secret_env_groups, g, {})]...) }

  # graph_webhook's public URL, where Graph subscriptions post, known before the function
  # exists: Cloud Run's deterministic URL of the function's service, built from its name, the
  # project number and the region, so one apply deploys Graph whole (no second deploy to pass
  # the URL on). https://cloud.google.com/run/docs/triggering/https-request#deterministic
  # graph_notification_url overrides it (a custom domain in front of the webhook).
  graph_webhook_url      = "https://${local.function_names["graph_webhook"]}-${data.google_project.this.number}.${var.region}.run.app"
  graph_notification_url = var.graph_notification_url != "" ? var.graph_notification_url : local.graph_webhook_url
}
