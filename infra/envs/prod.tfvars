project_id            = "mindops-mail-prod"
env                   = "prod"
watcher_image         = "europe-west1-docker.pkg.dev/mindops-mail-prod/mailingest/watcher:stable"
watcher_min_instances = 2
watcher_max_instances = 8
settings_url          = "https://mail-settings.mindops.example"
alert_email           = "mail-ops@mindops.example"
deployed_functions = [
  "gmail_push", "graph_webhook", "graph_worker", "renew_watches", "mailbox_tasks",
  "refresh_tokens", "oauth", "oauth_callback", "settings",
]
settings_admins = ["group:mail-admins@mindops.example"]
