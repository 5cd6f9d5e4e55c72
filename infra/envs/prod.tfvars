project_id            = "mindops-mail-prod"
env                   = "prod"
watcher_image         = "europe-west1-docker.pkg.dev/mindops-mail-prod/mailingest/watcher:stable"
watcher_min_instances = 2
watcher_max_instances = 8
raw_retention_days    = 90
settings_url          = "https://mail-settings.mindops.example"
alert_email           = "mail-ops@mindops.example"
# gmail_push, graph_webhook, graph_worker and renew_watches join when their code lands
deployed_functions = ["oauth", "oauth_callback", "refresh_tokens", "settings"]
settings_admins    = ["group:mail-admins@mindops.example"]
