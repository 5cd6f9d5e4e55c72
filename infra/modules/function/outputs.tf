output "uri" {
  description = "HTTPS endpoint."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "service_name" {
  description = "The Cloud Run service behind the function."
  value       = google_cloudfunctions2_function.this.service_config[0].service
}

output "service_account_email" {
  description = "The function's own service account."
  value       = google_service_account.this.email
}

output "name" {
  description = "Function name."
  value       = google_cloudfunctions2_function.this.name
}
