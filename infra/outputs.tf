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

output "smoke" {
  description = "What make smoke checks after a deploy (mailingest_dev/smoke.py reads it): the functions (graph_webhook's handshake, the pages through IAP, the others' state), topics, subscriptions and their push targets, scheduler jobs, Firestore indexes, the watcher."
  value = {
    project           = var.project_id
    region            = var.region
    events_topic      = google_pubsub_topic.events.name
    firestore_indexes = true
    topics = [
      google_pubsub_topic.events.id,
      google_pubsub_topic.events_dead_letter.id,
      google_pubsub_topic.gmail_push.id,
      google_pubsub_topic.graph_notifications.id,
      google_pubsub_topic.mailbox_tasks.id,
    ]
    subscriptions = merge(
      { for s in google_pubsub_subscription.events : s.id => { topic = s.topic, push_endpoint = "" } },
      { (google_pubsub_subscription.events_dead_letter.id) = { topic = google_pubsub_subscription.events_dead_letter.topic, push_endpoint = "" } },
      { for s in google_pubsub_subscription.gmail_push : s.id => { topic = s.topic, push_endpoint = s.push_config[0].push_endpoint } },
    )
    # graph_webhook is public: its handshake; the pages answer only through IAP; the others
    # take internal traffic only: their state (and the scheduled ones' jobs' last runs)
    functions = {
      for k, f in module.functions : k => {
        url           = k == "graph_webhook" ? local.graph_notification_url : (contains(keys(local.iap_routes), k) ? "${trimsuffix(var.settings_url, "/")}${trimsuffix(local.iap_routes[k], "*")}" : "")
        probe         = k == "graph_webhook" ? "graph-validation" : (contains(keys(local.iap_routes), k) ? "iap" : "")
        function      = f.name
        trigger_topic = local.all_functions[k].topic == null ? "" : local.all_functions[k].topic
      }
    }
    scheduler_jobs = [for j in google_cloud_scheduler_job.jobs : j.name]
    watcher        = { service = google_cloud_run_v2_service.watcher.name }
  }
}
