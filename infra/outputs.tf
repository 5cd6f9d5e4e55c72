output "function_uris" {
  description = "run.app endpoints of the functions (most accept only internal or IAP traffic)."
  value       = { for k, f in module.functions : k => f.uri }
}

output "graph_notification_url" {
  description = "Where Microsoft Graph subscriptions post (graph_webhook's deterministic URL unless graph_notification_url overrides it); the functions are told it in the same apply."
  value       = contains(var.deployed_functions, "graph_webhook") ? local.graph_notification_url : null
  precondition {
    # a deterministic run.app URL exists only while service name + project number fit a label
    condition     = length("${local.function_names["graph_webhook"]}-${data.google_project.this.number}") <= 63
    error_message = "graph_webhook's name is too long for a deterministic run.app URL: set graph_notification_url."
  }
}

output "gmail_push_topic" {
  description = "topicName for Gmail users.watch."
  value       = google_pubsub_topic.gmail_push.id
}

output "settings_url" {
  description = "The settings page behind IAP; point the DNS name at settings_ip."
  value       = var.settings_url
}

output "settings_ip" {
  description = "Address of the IAP load balancer (A record for the settings host)."
  value       = try(google_compute_global_address.settings[0].address, null)
}

output "oauth_redirect_uri" {
  description = "Redirect URI to register with Google and Microsoft."
  value       = "${trimsuffix(var.settings_url, "/")}/oauth_callback"
}

output "events_topic" {
  description = "The topic downstream consumers subscribe to."
  value       = google_pubsub_topic.events.id
}

output "raw_bucket" {
  description = "Bucket of raw MIME and large attachments."
  value       = google_storage_bucket.raw.name
}

output "service_accounts" {
  description = "Runtime identities (watcher, scheduler invoker and one per function)."
  value = merge(
    { watcher = google_service_account.watcher.email, scheduler = google_service_account.scheduler.email },
    { for k, f in module.functions : k => f.service_account_email },
  )
}
