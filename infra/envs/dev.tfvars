project_id    = "mindops-mail-dev"
env           = "dev"
watcher_image = "europe-west1-docker.pkg.dev/mindops-mail-dev/mailingest/watcher:latest"
settings_url  = "https://mail-settings.dev.mindops.example"
deployed_functions = [
  "gmail_push", "graph_webhook", "graph_worker", "renew_watches", "mailbox_tasks",
  "refresh_tokens", "oauth", "oauth_callback", "settings",
]
settings_admins = ["group:mail-admins-dev@mindops.example"]
