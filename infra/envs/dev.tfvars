project_id    = "mindops-mail-dev"
env           = "dev"
watcher_image = "europe-west1-docker.pkg.dev/mindops-mail-dev/mailingest/watcher:latest"
settings_url  = "https://mail-settings.dev.mindops.example"
# gmail_push, graph_webhook, graph_worker and renew_watches join when their code lands
deployed_functions = ["oauth", "oauth_callback", "refresh_tokens", "settings"]
settings_admins    = ["group:mail-admins-dev@mindops.example"]
