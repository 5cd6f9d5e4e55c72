output "function_uris" {
  description = "HTTPS endpoints of the functions."
  value       = { for k, f in module.functions : k => f.uri }
}

output "events_topic" {
  description = "The topic downstream consumers subscribe to."
  value       = google_pubsub_topic.events.id
}

output "raw_bucket" {
  description = "Bucket of raw MIME and large attachments."
  value       = google_storage_bucket.raw.name
}
