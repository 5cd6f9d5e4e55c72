project_id    = "mindops-mail-dev"
env           = "dev"
watcher_image = "europe-west1-docker.pkg.dev/mindops-mail-dev/mailingest/watcher:latest"
settings_url  = "https://mail-settings.dev.mindops.example"
